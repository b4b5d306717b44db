// The microphone, to the studio's own top-level page, and nothing else: checked with what Electron really passes
// (requestingOrigin "null" or podium-app://studio for a custom scheme) and with what a hostile page could arrange.
import { describe, expect, it } from 'vitest';
import { grantPermissionCheck, grantPermissionRequest } from '../../../../main/shell/permissions';

const APP = 'podium-app://studio/';
const micRequest = { isMainFrame: true, requestingUrl: APP, mediaTypes: ['audio'], securityOrigin: APP };

describe('permission requests (getUserMedia)', () => {
  it('grants the microphone to the studio page', () => {
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: micRequest })).toBe(true);
    // Electron may leave securityOrigin out, or serialise the custom scheme's origin as "null".
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, securityOrigin: undefined } })).toBe(true);
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, securityOrigin: 'null' } })).toBe(true);
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, securityOrigin: 'podium-app://studio' } })).toBe(true);
  });

  it('refuses the camera, alone or with the microphone, and an empty or odd list', () => {
    for (const mediaTypes of [['video'], ['audio', 'video'], ['video', 'audio'], ['audio', 'audio'], [], ['AUDIO'], undefined]) {
      expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, mediaTypes } })).toBe(false);
    }
  });

  it('refuses every other permission, even to the studio page', () => {
    for (const permission of ['display-capture', 'notifications', 'geolocation', 'openExternal', 'clipboard-read', 'midiSysex', 'fullscreen', 'unknown', 'hid', 'Media', '']) {
      expect(grantPermissionRequest({ permission, pageUrl: APP, details: micRequest })).toBe(false);
    }
  });

  it('refuses an iframe, even one showing the studio page', () => {
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, isMainFrame: false } })).toBe(false);
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, isMainFrame: undefined } })).toBe(false);
  });

  it.each(['podium-app://evil/', 'podium-app://studio.evil/', 'podium-app://studio@evil/', 'https://evil.example/', 'http://127.0.0.1:7801/', 'file:///x', 'about:blank', '', 'null'])(
    'refuses a request from %j',
    (url) => {
      expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, requestingUrl: url } })).toBe(false);
      expect(grantPermissionRequest({ permission: 'media', pageUrl: url, details: micRequest })).toBe(false);
    },
  );

  it('refuses when the security origin names another page', () => {
    for (const securityOrigin of ['https://evil.example/', 'podium-app://evil', 'podium-app://studio/other']) {
      expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: { ...micRequest, securityOrigin } })).toBe(false);
    }
  });

  it('refuses when details or the page are missing', () => {
    expect(grantPermissionRequest({ permission: 'media', pageUrl: APP, details: null })).toBe(false);
    expect(grantPermissionRequest({ permission: 'media', pageUrl: null, details: micRequest })).toBe(false);
  });
});

describe('permission checks (device labels, navigator.permissions)', () => {
  const micCheck = { isMainFrame: true, requestingUrl: APP, mediaType: 'audio', securityOrigin: APP };

  it('grants the microphone check to the studio page, whichever way Electron spells its origin', () => {
    for (const requestingOrigin of ['null', 'podium-app://studio', 'podium-app://studio/', '']) {
      expect(grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin, details: micCheck })).toBe(true);
    }
  });

  it('uses the window page when Electron does not say which frame asked', () => {
    const details = { isMainFrame: true, mediaType: 'audio' };
    expect(grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin: 'null', details })).toBe(true);
    expect(grantPermissionCheck({ permission: 'media', pageUrl: 'https://evil.example/', requestingOrigin: 'null', details })).toBe(false);
    // No webContents and no frame (a worker): nothing to say it is the studio.
    expect(grantPermissionCheck({ permission: 'media', pageUrl: undefined, requestingOrigin: 'null', details })).toBe(false);
  });

  it('refuses the camera and unknown media', () => {
    for (const mediaType of ['video', 'unknown', undefined, 'AUDIO']) {
      expect(grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin: 'null', details: { ...micCheck, mediaType } })).toBe(false);
    }
  });

  it('refuses other permissions and iframes', () => {
    expect(grantPermissionCheck({ permission: 'notifications', pageUrl: APP, requestingOrigin: 'null', details: micCheck })).toBe(false);
    expect(grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin: 'null', details: { ...micCheck, isMainFrame: false } })).toBe(false);
    expect(
      grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin: 'null', details: { ...micCheck, embeddingOrigin: 'https://evil.example/' } }),
    ).toBe(false);
  });

  it.each(['https://evil.example', 'podium-app://evil', 'podium-app://studio.evil', 'http://127.0.0.1:7801', 'file://'])(
    'refuses when the requesting origin is %j',
    (requestingOrigin) => {
      expect(grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin, details: micCheck })).toBe(false);
    },
  );

  it('refuses when the frame or the window shows another page', () => {
    for (const url of ['podium-app://evil/', 'podium-app://studio@evil/', 'https://evil.example/']) {
      expect(grantPermissionCheck({ permission: 'media', pageUrl: APP, requestingOrigin: 'null', details: { ...micCheck, requestingUrl: url } })).toBe(false);
      expect(grantPermissionCheck({ permission: 'media', pageUrl: url, requestingOrigin: 'null', details: micCheck })).toBe(false);
    }
  });
});
