// `npm run server -- --sfu …`: which SFU, and mediasoup's settings, checked before anything starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sfuChoice } from '../../../../server/sfu/choice';

const flag = (value?: string) => ({ value, from: '--sfu' });

describe('sfuChoice', () => {
  it('is LiveKit unless mediasoup is asked for', () => {
    expect(sfuChoice(flag(), {}, '/', false)).toEqual({ ok: true });
    expect(sfuChoice(flag('livekit'), {}, '/', true)).toEqual({ ok: true });
    expect(sfuChoice(flag('mediasoup'), {}, '/', false)).toEqual({ ok: true, mediasoup: {} });
  });

  it('reads mediasoup settings and refuses ones that cannot work, naming the variable', () => {
    const env = { MEDIASOUP_LISTEN_IP: '0.0.0.0', MEDIASOUP_ANNOUNCED_ADDRESS: 'spaces.example.org', MEDIASOUP_RTC_PORTS: '40000-40999' };
    expect(sfuChoice(flag('mediasoup'), env, '/', false)).toEqual({
      ok: true,
      mediasoup: { listenIp: '0.0.0.0', announcedAddress: 'spaces.example.org', rtcMinPort: 40000, rtcMaxPort: 40999 },
    });
    const refusal = (e: Record<string, string>, livekit = false) => {
      const r = sfuChoice(flag('mediasoup'), e, '/', livekit);
      return r.ok ? null : r.message;
    };
    expect(sfuChoice(flag('jitsi'), {}, '/', false)).toEqual({ ok: false, message: '--sfu must be livekit or mediasoup (it is "jitsi")' });
    expect(refusal({}, true)).toMatch(/^--sfu is mediasoup, so LIVEKIT_URL/);
    expect(refusal({ MEDIASOUP_LISTEN_IP: 'localhost' })).toMatch(/^MEDIASOUP_LISTEN_IP must be an IP address/);
    expect(refusal({ MEDIASOUP_LISTEN_IP: '0.0.0.0' })).toMatch(/MEDIASOUP_ANNOUNCED_ADDRESS must name/);
    expect(refusal({ MEDIASOUP_RTC_PORTS: '50000-40000' })).toMatch(/^MEDIASOUP_RTC_PORTS must be a range/);
    expect(refusal({ MEDIASOUP_RTC_PORTS: '80-90' })).toMatch(/^MEDIASOUP_RTC_PORTS must be a range/);
    expect(refusal({ MEDIASOUP_WORKER_BIN: 'missing/worker' })).toBe('MEDIASOUP_WORKER_BIN must name a mediasoup-worker this user can run, and /missing/worker is not one');
  });

  it('takes a worker binary that can be run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-sfu-choice-'));
    try {
      const bin = path.join(dir, 'mediasoup-worker');
      fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 });
      expect(sfuChoice(flag('mediasoup'), { MEDIASOUP_WORKER_BIN: 'mediasoup-worker' }, dir, false)).toEqual({ ok: true, mediasoup: { workerBin: bin } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
