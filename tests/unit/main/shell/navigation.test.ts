// The studio window never navigates; a link that tries goes to the ask-then-open path, a new window never opens.
import { describe, expect, it } from 'vitest';
import { navigationDecision, windowOpenDecision } from '../../../../main/shell/navigation';

describe('navigation guard', () => {
  it.each(['https://example.org/', 'podium-app://studio/', 'podium-app://evil/', 'file:///etc/passwd', 'http://127.0.0.1:7800/s/abcdefghij', 'javascript:1', ''])(
    'never lets the studio window navigate to %j',
    (url) => {
      expect(navigationDecision(url).allow).toBe(false);
      expect(windowOpenDecision(url).action).toBe('deny');
    },
  );

  it('offers https links to the system browser, after asking', () => {
    expect(windowOpenDecision('https://x.com/a/status/1').external).toMatchObject({ ask: { host: 'x.com' } });
    expect(navigationDecision('https://example.org/').external).toMatchObject({ ask: { host: 'example.org' } });
  });

  it('offers nothing for other links', () => {
    for (const url of ['file:///etc/passwd', 'podium-app://studio/', 'http://example.org/', 'https://a@b.example/']) {
      expect(windowOpenDecision(url).external).toMatchObject({ open: false });
      expect(navigationDecision(url).external).toMatchObject({ open: false });
    }
  });
});
