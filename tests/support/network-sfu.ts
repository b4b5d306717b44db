// A livekit-server for the bad-network tests: its media port (the UDP mux) listens on loopback only, but it
// advertises the test network's root-side address, where the impairment relay listens with the same port number
// and forwards to it. So every client — the speaker in the root namespace and the listener in the test namespace —
// reaches the SFU's media through the relay, which impairs each client's packets by its address. Signalling (HTTP and
// WebSocket) is bound on loopback and on the root-side address, unimpaired: the network being judged is the media's.
// The config is our own (server/livekit/runtime.ts runs the studio's, loopback-only one); the binary is the pinned one.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { ensureLivekitBinary, generateLivekitCredentials } from '../../scripts/livekit';
import { startImpairmentRelay, type ImpairmentRelay } from './udp-impairment';

export interface NetworkSfu {
  /** Signalling URL for clients in the root namespace. */
  url: string;
  /** Signalling URL for clients in the test namespace. */
  urlFromNamespace: string;
  apiKey: string;
  apiSecret: string;
  relay: ImpairmentRelay;
  stop(): Promise<void>;
}

export interface NetworkSfuOptions {
  /** The test network's root-side address. */
  hostAddress: string;
  /**
   * livekit's `audio.enable_loss_proxying`: report the worst subscriber's loss to the publisher in RTCP receiver
   * reports, which is what lets the publisher's Opus encoder turn on in-band FEC for a lossy downlink (off by default).
   */
  lossProxying?: boolean;
  log?: (line: string) => void;
}

function freeTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The child's environment without the LIVEKIT_* settings of our own shell, plus our config (as runtime.ts does). */
function childEnv(config: object): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('LIVEKIT_') && !['NODE_IP', 'UDP_PORT', 'REDIS_HOST', 'REDIS_PASSWORD'].includes(name)) env[name] = value;
  }
  env.LIVEKIT_CONFIG = JSON.stringify(config);
  return env;
}

class PortTaken extends Error {}

/** Starts it; a port taken by a parallel run between choosing and binding it means another try with new ports. */
export async function startNetworkSfu(options: NetworkSfuOptions): Promise<NetworkSfu> {
  const bin = await ensureLivekitBinary(options.log);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(bin, options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= 3) throw error;
    }
  }
}

async function launch(bin: string, { hostAddress, lossProxying = false, log = () => {} }: NetworkSfuOptions): Promise<NetworkSfu> {
  const { apiKey, apiSecret } = generateLivekitCredentials();
  // The relay takes a free port on the host address first; the SFU's mux then takes the same number on loopback.
  const relay = await startImpairmentRelay({ host: hostAddress, target: { host: '127.0.0.1' } });
  const udp = relay.port;
  const http = await freeTcpPort('127.0.0.1');
  const config = {
    port: http,
    bind_addresses: ['127.0.0.1', hostAddress],
    rtc: {
      tcp_port: 0,
      udp_port: udp,
      ips: { includes: ['127.0.0.1/32'] },
      use_external_ip: false,
      // Host candidates are rewritten to this address (mediatransportutil's NAT 1:1 rules for a set node_ip).
      node_ip: hostAddress,
      enable_loopback_candidate: true,
    },
    keys: { [apiKey]: apiSecret },
    audio: { enable_loss_proxying: lossProxying },
    logging: { level: 'warn' },
  };
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(config) });
  const tail: string[] = [];
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    log(line);
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  // As in server/livekit/runtime.ts: if this process is killed outright ('exit' never runs), the watchdog's stdin
  // closes and it kills the server, so no SFU outlives its test.
  const watchdog = spawn('sh', ['-c', 'read _ignored; kill -KILL "$1" 2>/dev/null', 'livekit-watchdog', String(child.pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  (watchdog.stdin as unknown as net.Socket).unref();

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // A second signal makes 1.13.5 skip its drain of connected participants (see server/livekit/runtime.ts).
      const force = setTimeout(() => child.kill('SIGTERM'), 250);
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
      clearTimeout(kill);
    }
    watchdog.kill('SIGKILL');
    await relay.close();
  };

  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (gone || Date.now() > deadline) {
      await stop();
      const Failure = /address already in use/i.test(tail.join('\n')) ? PortTaken : Error;
      throw new Failure(`livekit-server for the test network did not start:\n${tail.join('\n')}`);
    }
    const ok = await fetch(`http://127.0.0.1:${http}/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // It ignores SIGTERM until shortly after its HTTP port opens (server/livekit/runtime.ts).
  await new Promise((r) => setTimeout(r, 150));
  return { url: `ws://127.0.0.1:${http}`, urlFromNamespace: `ws://${hostAddress}:${http}`, apiKey, apiSecret, relay, stop };
}
