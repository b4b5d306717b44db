import { describe, expect, it } from 'vitest';
import { fromAppLink, toAppLink } from '../../../common/links';

describe('podium:// links', () => {
  it('round-trips share links and co-host invites', () => {
    for (const web of ['http://127.0.0.1:7800/s/abcdefghij', 'https://spaces.example.org/s/abcdefghij#cohost=' + 'k'.repeat(32)]) {
      const app = toAppLink(web);
      expect(app).toMatch(/^podium:\/\/open\//);
      expect(fromAppLink(app!)).toBe(web);
    }
  });

  it('uses https for anything but this machine, and refuses links that are not a space', () => {
    expect(fromAppLink('podium://open/spaces.example.org/abcdefghij')).toBe('https://spaces.example.org/s/abcdefghij');
    for (const bad of ['podium://open/example.org/../../etc', 'podium://open/e.org/ABCDEFGHIJ', 'podium://settings', 'https://e.org/s/abcdefghij', 'podium://open/e.org/abcdefghij#x=<script>']) {
      expect(fromAppLink(bad)).toBeNull();
    }
    expect(toAppLink('https://e.org/other/abcdefghij')).toBeNull();
    expect(toAppLink('file:///s/abcdefghij')).toBeNull();
  });
});
