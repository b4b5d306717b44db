// Which SFU `npm run server` uses (--sfu / PODIUM_SFU) and mediasoup's settings from the environment, checked before
// anything starts: a value that cannot work is a one-line refusal naming the flag or variable, as server/cli.ts does
// for everything else. Pure but for checking that a named worker binary can be run.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { MediasoupOptions } from './mediasoup/index';

export type SfuChoice = { ok: true; mediasoup?: MediasoupOptions } | { ok: false; message: string };

type Env = Readonly<Record<string, string | undefined>>;

const read = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

/** `given`: the --sfu flag's value, else PODIUM_SFU's; `livekitUrl`: whether a LiveKit was named too. */
export function sfuChoice(given: { value?: string; from: string }, env: Env, cwd: string, livekitNamed: boolean): SfuChoice {
  const kind = given.value ?? 'livekit';
  if (kind !== 'livekit' && kind !== 'mediasoup') return { ok: false, message: `${given.from} must be livekit or mediasoup (it is ${JSON.stringify(kind)})` };
  if (kind === 'livekit') return { ok: true };
  if (livekitNamed) return { ok: false, message: `${given.from} is mediasoup, so LIVEKIT_URL (and its key pair) would not be used: unset them, or choose livekit` };
  const options: MediasoupOptions = {};
  const bin = read(env, 'MEDIASOUP_WORKER_BIN');
  if (bin !== undefined) {
    const file = path.resolve(cwd, bin);
    let runnable = false;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      runnable = fs.statSync(file).isFile();
    } catch {
      runnable = false;
    }
    if (!runnable) return { ok: false, message: `MEDIASOUP_WORKER_BIN must name a mediasoup-worker this user can run, and ${file} is not one` };
    options.workerBin = file;
  }
  const listenIp = read(env, 'MEDIASOUP_LISTEN_IP');
  if (listenIp !== undefined) {
    if (net.isIP(listenIp) === 0) return { ok: false, message: `MEDIASOUP_LISTEN_IP must be an IP address of this machine (it is ${JSON.stringify(listenIp)})` };
    options.listenIp = listenIp;
  }
  const announced = read(env, 'MEDIASOUP_ANNOUNCED_ADDRESS');
  if (announced !== undefined) {
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(announced)) return { ok: false, message: `MEDIASOUP_ANNOUNCED_ADDRESS must be an IP address or a host name (it is ${JSON.stringify(announced)})` };
    options.announcedAddress = announced;
  }
  if ((options.listenIp === '0.0.0.0' || options.listenIp === '::') && !announced) {
    return { ok: false, message: 'MEDIASOUP_LISTEN_IP is every interface, so MEDIASOUP_ANNOUNCED_ADDRESS must name the address clients reach' };
  }
  const ports = read(env, 'MEDIASOUP_RTC_PORTS');
  if (ports !== undefined) {
    const match = /^(\d{1,5})-(\d{1,5})$/.exec(ports);
    const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!(min >= 1024 && max <= 65535 && min <= max)) return { ok: false, message: `MEDIASOUP_RTC_PORTS must be a range such as 40000-49999, within 1024-65535 (it is ${JSON.stringify(ports)})` };
    options.rtcMinPort = min;
    options.rtcMaxPort = max;
  }
  return { ok: true, mediasoup: options };
}
