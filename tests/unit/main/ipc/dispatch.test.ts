// The IPC dispatcher: the one gate every studio call passes, whatever shell carried it.
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROCESSING, type HostedSpace, type Settings } from '../../../../common/ipc';
import { PodiumError, type Result } from '../../../../common/result';
import type { PublicSpace } from '../../../../common/space';
import { dispatch, isIpcChannel, type IpcHandlers } from '../../../../main/ipc/dispatch';

const settings: Settings = { microphone: null, hostName: 'Host', livekit: { mode: 'embedded' }, processing: {} };
const space: PublicSpace = {
  id: 'abcde12345',
  title: 'Show',
  description: '',
  hostName: 'Host',
  status: 'scheduled',
  createdAt: 1,
  startedAt: null,
  endedAt: null,
};
const hosted: HostedSpace = { space, shareUrl: 'http://x/s/abcde12345', protocolUrl: 'ws://x/ws', credential: 'k'.repeat(32) };

const unused = () => {
  throw new PodiumError('internal', 'not used by these tests');
};

function handlers(overrides: Partial<IpcHandlers> = {}): IpcHandlers {
  return {
    'recording:start': unused,
    'recording:addTrack': unused,
    'recording:mark': unused,
    'recording:stage': unused,
    'recording:stop': unused,
    'recording:status': unused,
    'recordings:list': unused,
    'recordings:delete': unused,
    'recordings:reveal': unused,
    'recordings:mediaUrl': unused,
    'recordings:normalize': unused,
    'recordings:dismissRecovered': unused,
    'evidence:save': unused,
    'evidence:list': unused,
    'evidence:mediaUrl': unused,
    'app:info': () => ({ version: '1.0.0', shell: 'web', spaceServerUrl: 'http://x', livekitUrl: 'ws://y', sfu: 'livekit' }),
    'settings:get': () => settings,
    'settings:setMicrophone': (req) => ({ ...settings, microphone: req }),
    'settings:setOutput': (req) => ({ ...settings, output: req.output }),
    'settings:setHostName': (req) => ({ ...settings, hostName: req.hostName }),
    'settings:setLivekit': () => settings,
    'audio:getProcessing': () => DEFAULT_PROCESSING,
    'audio:setProcessing': (req) => req.settings,
    'desktop:state': () => ({ ok: true, shortcut: null }),
    'spaces:create': () => hosted,
    'spaces:list': () => [space],
    'spaces:open': () => hosted,
    'schedule:create': unused,
    'schedule:update': unused,
    'schedule:cancel': unused,
    'schedule:overview': unused,
    ...overrides,
  };
}

function failure(result: Result<unknown>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('dispatch', () => {
  it('answers a good call with the handler value', async () => {
    expect(await dispatch(handlers(), 'settings:get', undefined)).toEqual({ ok: true, value: settings });
    expect(await dispatch(handlers(), 'spaces:list', undefined)).toEqual({ ok: true, value: [space] });
  });

  it('awaits async handlers', async () => {
    const h = handlers({ 'spaces:open': async () => hosted });
    expect(await dispatch(h, 'spaces:open', { spaceId: 'abcde12345' })).toEqual({ ok: true, value: hosted });
  });

  it('passes the parsed request (trimmed) to the handler', async () => {
    const seen = vi.fn((req: { hostName: string }) => ({ ...settings, hostName: req.hostName }));
    const result = await dispatch(handlers({ 'settings:setHostName': seen }), 'settings:setHostName', { hostName: '  Ann  ' });
    expect(seen).toHaveBeenCalledWith({ hostName: 'Ann' });
    expect(result).toEqual({ ok: true, value: { ...settings, hostName: 'Ann' } });
  });

  it.each([['spaces:delete'], [''], [42], [null], [undefined], ['__proto__'], ['toString'], ['constructor'], ['hasOwnProperty']])(
    'answers unknown channel %j with unknown_type and calls nothing',
    async (channel) => {
      const error = failure(await dispatch(handlers(), channel, undefined));
      expect(error.code).toBe('unknown_type');
      expect(error.message.length).toBeLessThanOrEqual(80);
    },
  );

  it('clips a huge channel name in the error message', async () => {
    const error = failure(await dispatch(handlers(), 'x'.repeat(10_000), undefined));
    expect(error.message.length).toBeLessThan(100);
  });

  it('refuses a bad request with bad_request naming the channel and the field, without calling the handler', async () => {
    const spy = vi.fn(() => hosted);
    const error = failure(await dispatch(handlers({ 'spaces:open': spy }), 'spaces:open', { spaceId: '../etc' }));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('spaces:open');
    expect(error.message).toContain('spaceId');
    expect(spy).not.toHaveBeenCalled();
  });

  it('names hostName for a blank host name and refuses extra keys', async () => {
    expect(failure(await dispatch(handlers(), 'settings:setHostName', { hostName: '' })).message).toMatch(/hostName: enter a name/);
    const extra = failure(await dispatch(handlers(), 'settings:setHostName', { hostName: 'A', admin: true }));
    expect(extra.code).toBe('bad_request');
    expect(extra.message).toContain('admin');
  });

  it('refuses a request on a channel that takes none', async () => {
    expect(failure(await dispatch(handlers(), 'settings:get', { sneaky: 1 })).code).toBe('bad_request');
  });

  it("passes a PodiumError's code and message through", async () => {
    const h = handlers({
      'spaces:open': () => {
        throw new PodiumError('not_found', 'that space no longer exists');
      },
    });
    expect(failure(await dispatch(h, 'spaces:open', { spaceId: 'abcde12345' }))).toEqual({
      code: 'not_found',
      message: 'that space no longer exists',
    });
  });

  it('turns a plain Error into internal without leaking its message, stack or paths, and logs the details', async () => {
    const log = vi.fn();
    const h = handlers({
      'spaces:create': async () => {
        throw new Error("ENOENT: no such file or directory, open '/home/alice/.config/podium/podium.sqlite'");
      },
    });
    const error = failure(await dispatch(h, 'spaces:create', { title: 'Show' }, log));
    expect(error.code).toBe('internal');
    expect(error.message).not.toMatch(/ENOENT|\/home\/alice|podium\.sqlite|at .*\.ts|Error:/);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain('/home/alice');
  });

  it('turns a thrown non-Error into internal', async () => {
    const h = handlers({
      'settings:get': () => {
        throw 'a string';
      },
    });
    expect(failure(await dispatch(h, 'settings:get', undefined)).code).toBe('internal');
  });

  it('does not log expected PodiumErrors as failures', async () => {
    const log = vi.fn();
    const h = handlers({
      'spaces:open': () => {
        throw new PodiumError('forbidden', 'no');
      },
    });
    await dispatch(h, 'spaces:open', { spaceId: 'abcde12345' }, log);
    expect(log).not.toHaveBeenCalled();
  });

  it('answers internal when a handler returns something outside its response schema', async () => {
    const log = vi.fn();
    const bad = (() => ({ ...settings, hostName: '' })) as unknown as IpcHandlers['settings:get'];
    const error = failure(await dispatch(handlers({ 'settings:get': bad }), 'settings:get', undefined, log));
    expect(error.code).toBe('internal');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('settings:get'));
  });

  it('answers internal when a handler returns nothing', async () => {
    const nothing = (() => undefined) as unknown as IpcHandlers['spaces:list'];
    expect(failure(await dispatch(handlers({ 'spaces:list': nothing }), 'spaces:list', undefined)).code).toBe('internal');
  });

  it('does not pass through fields outside the response schema', async () => {
    const extra = (() => ({ ...hosted, hostKeyHash: 'deadbeef' })) as unknown as IpcHandlers['spaces:open'];
    const result = await dispatch(handlers({ 'spaces:open': extra }), 'spaces:open', { spaceId: 'abcde12345' });
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result)).not.toContain('deadbeef');
  });
});

describe('isIpcChannel', () => {
  it('knows the contract channels and nothing inherited', () => {
    expect(isIpcChannel('spaces:create')).toBe(true);
    expect(isIpcChannel('toString')).toBe(false);
    expect(isIpcChannel('__proto__')).toBe(false);
    expect(isIpcChannel(undefined)).toBe(false);
  });
});
