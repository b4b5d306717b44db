// Who may call the contract: the studio's own top-level page, judged on scheme and host — never on URL.origin,
// which is "null" for podium-app: (issue 11: every IPC call and the microphone were refused in the desktop app).
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES, isAppSender, isAppUrl } from '../../../../main/shell/app-page';

const top = (url: string) => ({ url, parent: null });
const framed = (url: string) => ({ url, parent: { url: APP_PAGE_URL, parent: null } });

describe('isAppSender', () => {
  it('accepts the studio page in its top-level frame (the old origin comparison refused it)', () => {
    // The bug itself: WHATWG gives a non-special scheme the origin "null", so comparing origins can never match.
    expect(new URL('podium-app://studio/').origin).toBe('null');
    expect(isAppSender(top('podium-app://studio/'))).toBe(true);
    expect(isAppSender(top(APP_PAGE_URL))).toBe(true);
    expect(isAppSender(top('podium-app://studio/?x=1#k'))).toBe(true);
    expect(isAppSender(top('podium-app://studio/studio/index.html'))).toBe(true);
  });

  it('refuses the studio page inside an iframe', () => {
    expect(isAppSender(framed('podium-app://studio/'))).toBe(false);
    expect(isAppSender({ url: 'podium-app://studio/', parent: undefined })).toBe(false);
  });

  it('refuses a missing frame (Electron gives null once a frame is gone)', () => {
    expect(isAppSender(null)).toBe(false);
    expect(isAppSender(undefined)).toBe(false);
  });

  it.each([
    'podium-app://evil/',
    'podium-app://studio.evil/',
    'podium-app://studio./',
    'podium-app://evilstudio/',
    'podium-app://studio@evil/',
    'podium-app://studio:evil@evil/',
    'podium-app://user@studio/',
    'podium-app://user:pw@studio/',
    'podium-app://studio:80/',
    'podium-app://studio:1/',
    'podium-app://stud%69o/',
    'podium-app:studio',
    'podium-app:///studio',
    'podium-app:/studio/',
    'podium-apps://studio/',
    'podium-ap://studio/',
    'xpodium-app://studio/',
    'podium://studio/',
    'https://studio/',
    'http://127.0.0.1:7801/',
    'file:///studio/index.html',
    'about:blank',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'blob:podium-app://studio/0b7d2c1e',
    '',
    ' ',
    'null',
    'studio',
    '//studio/',
    'podium-app://',
    'podium-app://studio\\evil/',
  ])('refuses %j', (url) => {
    expect(isAppSender(top(url))).toBe(false);
  });

  it('refuses what is not a string at all', () => {
    for (const url of [undefined, null, 42, {}, ['podium-app://studio/'], new URL('podium-app://studio/')]) {
      expect(isAppSender({ url: url as unknown as string, parent: null })).toBe(false);
    }
  });

  it('takes the scheme and host in any case, as Chromium does for a standard scheme', () => {
    expect(isAppUrl('PODIUM-APP://studio/')).toBe(true);
    expect(isAppUrl('podium-app://STUDIO/')).toBe(true);
  });

  it('refuses absurdly long URLs without parsing them', () => {
    expect(isAppUrl(APP_PAGE_URL + 'a'.repeat(10_000))).toBe(false);
  });
});

describe('the app scheme', () => {
  it('is registered standard and secure (a secure context may use the microphone and AudioWorklet)', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('podium-app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(APP_PAGE_URL).toBe('podium-app://studio/');
  });
});
