// The studio's IPC contract: channel list and table agree, every request schema refuses junk, settings validate.
import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS, ipcContract, livekitSettingsSchema, settingsSchema, type IpcChannel } from '../../../common/ipc';

/** One valid request per channel; a channel added to the contract without an entry here fails the first test. */
const VALID_REQUESTS: Record<IpcChannel, unknown> = {
  'app:info': undefined,
  'settings:get': undefined,
  'settings:setMicrophone': { deviceId: 'default', label: 'Built-in Microphone' },
  'settings:setOutput': { output: { deviceId: 'f1e3db04', label: 'External Headphones' } },
  'settings:setHostName': { hostName: 'Ann' },
  'settings:setLivekit': { mode: 'custom', url: 'wss://example.livekit.cloud', apiKey: 'APIkey', apiSecret: 's3cret' },
  'audio:getProcessing': { deviceKey: 'USB Mic (1234:abcd)' },
  'audio:setProcessing': {
    deviceKey: 'USB Mic (1234:abcd)',
    settings: { noiseSuppression: true, model: 'lowCpu', strength: 0.8, gate: { enabled: true, threshold: 0.5 }, echoCancellation: false },
  },
  'desktop:state': { live: true, canEnd: true, onAir: true, muted: false, recording: false, title: 'Morning show', handsUp: 2, link: 'ok' },
  'spaces:create': { title: 'Morning show' },
  'spaces:list': undefined,
  'spaces:open': { spaceId: 'abcde12345' },
  'schedule:create': { title: 'Morning show', scheduledAt: Date.UTC(2030, 0, 1, 9) },
  'schedule:update': { spaceId: 'abcde12345', scheduledAt: Date.UTC(2030, 0, 1, 10) },
  'schedule:cancel': { spaceId: 'abcde12345' },
  'schedule:overview': undefined,
  'recording:start': { spaceId: 'abcde12345', title: 'Morning show' },
  'recording:addTrack': { id: 'r0123456789ab', track: { index: 1, kind: 'host', participantId: 'p0123456789abcdef', name: 'Ann' } },
  'recording:mark': { id: 'r0123456789ab', marker: { frame: 48_000, kind: 'manual', label: 'Intro ends' } },
  'recording:stage': { id: 'r0123456789ab', frame: 0, members: [{ participantId: 'p0123456789abcdef', name: 'Ann', role: 'host' }] },
  'recording:stop': { id: 'r0123456789ab' },
  'recording:status': undefined,
  'recordings:list': undefined,
  'recordings:delete': { id: 'r0123456789ab' },
  'recordings:reveal': { id: 'r0123456789ab' },
  'recordings:mediaUrl': { id: 'r0123456789ab', file: 'mix' },
  'recordings:normalize': { id: 'r0123456789ab' },
  'recordings:dismissRecovered': undefined,
  'evidence:save': { spaceId: 'abcde12345', key: 'person:p0123456789abcdef', at: 1_700_000_000_000, name: 'Sam', part: 0, parts: 1, pcm: 'AAAAAA==' },
  'evidence:list': { spaceId: 'abcde12345' },
  'evidence:mediaUrl': { spaceId: 'abcde12345', file: 'person_p0123456789abcdef-1700000000000.wav' },
};

const JUNK: unknown[] = [null, 42, 'settings', [], [1, 2], { junk: true }, true, JSON.parse('{"__proto__":{"hostName":"x"}}')];

describe('IPC contract', () => {
  it('an evidence clip can only be named by a report key: no path in it', () => {
    const base = VALID_REQUESTS['evidence:save'] as Record<string, unknown>;
    for (const key of ['pin:../../x', 'pin:a/b', 'person:p0123456789abcdef/..', 'pin:a.b']) {
      expect(ipcContract['evidence:save'].request.safeParse({ ...base, key }).success, key).toBe(false);
    }
    expect(ipcContract['evidence:mediaUrl'].request.safeParse({ spaceId: 'abcde12345', file: '../person_p0123456789abcdef-1.wav' }).success).toBe(false);
  });

  it('IPC_CHANNELS and the contract table name exactly the same channels', () => {
    expect(new Set(IPC_CHANNELS)).toEqual(new Set(Object.keys(ipcContract)));
    expect(IPC_CHANNELS.length).toBe(Object.keys(ipcContract).length);
    expect(new Set(IPC_CHANNELS).size).toBe(IPC_CHANNELS.length);
    expect(new Set(Object.keys(VALID_REQUESTS))).toEqual(new Set(IPC_CHANNELS));
  });

  it.each(IPC_CHANNELS.map((c) => [c]))('%s accepts its valid request', (channel) => {
    expect(ipcContract[channel].request.safeParse(VALID_REQUESTS[channel]).success).toBe(true);
  });

  it.each(IPC_CHANNELS.map((c) => [c]))('%s refuses junk requests', (channel) => {
    const schema = ipcContract[channel].request;
    for (const junk of JUNK) expect(schema.safeParse(junk).success, JSON.stringify(junk)).toBe(false);
  });

  it.each(IPC_CHANNELS.filter((c) => VALID_REQUESTS[c] !== undefined).map((c) => [c]))(
    '%s refuses its valid request plus an unexpected key',
    (channel) => {
      const base = VALID_REQUESTS[channel] as Record<string, unknown>;
      expect(ipcContract[channel].request.safeParse({ ...base, isAdmin: true }).success).toBe(false);
    },
  );

  it('channels that take no request refuse an empty object', () => {
    for (const channel of IPC_CHANNELS.filter((c) => VALID_REQUESTS[c] === undefined)) {
      expect(ipcContract[channel].request.safeParse({}).success, channel).toBe(false);
    }
  });

  it('settings:setHostName refuses a blank name with a readable message and trims a good one', () => {
    const schema = ipcContract['settings:setHostName'].request;
    const blank = schema.safeParse({ hostName: '    ' });
    expect(blank.success).toBe(false);
    expect(blank.error?.issues[0]?.message).toBe('enter a name');
    expect(schema.parse({ hostName: '  Ann  ' })).toEqual({ hostName: 'Ann' });
    expect(schema.safeParse({ hostName: 'n'.repeat(61) }).success).toBe(false);
  });

  it('spaces:open refuses a malformed space id', () => {
    const schema = ipcContract['spaces:open'].request;
    for (const spaceId of ['', 'ABCDE12345', 'abcde1234', '../../etc', 'abcde12345x']) {
      expect(schema.safeParse({ spaceId }).success, spaceId).toBe(false);
    }
  });

  it('spaces:create refuses a missing, blank or over-long title and fills description', () => {
    const schema = ipcContract['spaces:create'].request;
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ title: '   ' }).success).toBe(false);
    expect(schema.safeParse({ title: 't'.repeat(121) }).success).toBe(false);
    expect(schema.safeParse({ title: 'x', description: 'd'.repeat(1001) }).success).toBe(false);
    expect(schema.parse({ title: ' Show ' })).toMatchObject({ title: 'Show', description: '' });
  });
  it('settings:setOutput takes a device or null (back to the system default), nothing else', () => {
    const schema = ipcContract['settings:setOutput'].request;
    expect(schema.safeParse({ output: null }).success).toBe(true);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ output: { deviceId: 'h1' } }).success).toBe(false);
    expect(schema.safeParse({ output: { deviceId: 'h1', label: 'x', extra: 1 } }).success).toBe(false);
    expect(schema.safeParse({ output: { deviceId: 'd'.repeat(513), label: '' } }).success).toBe(false);
  });

  it('desktop:state refuses counts and states that cannot be', () => {
    const schema = ipcContract['desktop:state'].request;
    const base = VALID_REQUESTS['desktop:state'] as Record<string, unknown>;
    expect(schema.safeParse({ ...base, title: null, handsUp: 0 }).success).toBe(true);
    for (const bad of [{ handsUp: -1 }, { handsUp: 1.5 }, { link: 'down' }, { title: 't'.repeat(201) }, { muted: 'yes' }]) {
      expect(schema.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(schema.safeParse({ ...base, live: undefined }).success).toBe(false);
  });
});

describe('settings schema', () => {
  const defaults = { microphone: null, hostName: 'Host', livekit: { mode: 'embedded' }, processing: {} };

  it('accepts default settings and custom LiveKit settings', () => {
    expect(settingsSchema.parse(defaults)).toEqual(defaults);
    const custom = { ...defaults, livekit: { mode: 'custom', url: 'wss://lk.example.com', apiKey: 'k' } };
    expect(settingsSchema.parse(custom)).toEqual(custom);
  });

  it('refuses a blank host name, a missing livekit block and an unknown mode', () => {
    expect(settingsSchema.safeParse({ ...defaults, hostName: ' ' }).success).toBe(false);
    expect(settingsSchema.safeParse({ microphone: null, hostName: 'Host' }).success).toBe(false);
    expect(settingsSchema.safeParse({ ...defaults, livekit: { mode: 'cloud' } }).success).toBe(false);
    expect(settingsSchema.safeParse({ ...defaults, livekit: { mode: 'custom', url: 'wss://x' } }).success).toBe(false);
  });

  it('never carries an API secret: a stray apiSecret is dropped, not stored', () => {
    const parsed = settingsSchema.parse({
      ...defaults,
      livekit: { mode: 'custom', url: 'wss://lk.example.com', apiKey: 'k', apiSecret: 'leak-me' },
    });
    expect(JSON.stringify(parsed)).not.toContain('leak-me');
  });

  it('reads settings from before the monitor output existed, and keeps one that is set', () => {
    expect(settingsSchema.parse(defaults).output).toBeUndefined();
    const output = { deviceId: 'h1', label: 'Headphones' };
    expect(settingsSchema.parse({ ...defaults, output }).output).toEqual(output);
    expect(settingsSchema.parse({ ...defaults, output: null }).output).toBeNull();
  });

  it('refuses a microphone entry with an over-long device id', () => {
    expect(settingsSchema.safeParse({ ...defaults, microphone: { deviceId: 'd'.repeat(513), label: '' } }).success).toBe(false);
  });
});

describe('LiveKit URL', () => {
  const setLivekit = ipcContract['settings:setLivekit'].request;
  const custom = (url: string) => ({ mode: 'custom', url, apiKey: 'k' });

  it.each(['wss://example.livekit.cloud', 'ws://127.0.0.1:7880', 'wss://lk.example.com/path'])('accepts %s', (url) => {
    expect(livekitSettingsSchema.safeParse(custom(url)).success).toBe(true);
    expect(setLivekit.safeParse({ ...custom(url), apiSecret: 's' }).success).toBe(true);
  });

  it.each(['http://example.com', 'https://example.livekit.cloud', 'example.com', 'wss://', 'wss://has space', 'javascript:alert(1)', ' wss://x'])(
    'refuses %s',
    (url) => {
      const parsed = livekitSettingsSchema.safeParse(custom(url));
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/wss:\/\//);
      expect(setLivekit.safeParse({ ...custom(url), apiSecret: 's' }).success).toBe(false);
    },
  );

  // Regression guard, fixed (common/ipc.ts, both LiveKit url regexes): /^wss?:\/\/[^\s]+$/ accepts strings that are not URLs at all;
  // the space server later calls new URL() on them (server/http.ts securityHeaders) and the studio cannot start.
  it.each(['wss://lk.example.com:78800', 'wss://[::1', 'wss://exa<mple.com'])('refuses %s, which is not a URL', (url) => {
    expect(URL.canParse(url)).toBe(false);
    expect(livekitSettingsSchema.safeParse(custom(url)).success).toBe(false);
  });

  it('setLivekit requires an API secret for a custom server but not for the embedded one', () => {
    expect(setLivekit.safeParse(custom('wss://x.example')).success).toBe(false);
    expect(setLivekit.safeParse({ mode: 'custom', url: 'wss://x.example', apiKey: 'k', apiSecret: '' }).success).toBe(false);
    expect(setLivekit.safeParse({ mode: 'embedded' }).success).toBe(true);
  });
});
