// The embedded livekit-server is not an open door: no public dev credentials, no `--dev`, nothing secret on its
// command line, its sockets on loopback wherever livekit lets us choose, and its webhooks reach the URL we give.
// Against the real server (scripts/livekit.ts).
import { Room, dispose } from '@livekit/rtc-node';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessToken, RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { timeout } from '../support/rtc-bot';

interface Hook {
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let lk: LivekitServer;
let hookServer: http.Server;
let hookUrl: string;
const hooks: Hook[] = [];
const hookWaiters: (() => void)[] = [];
const rooms: Room[] = [];

beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        hooks.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        for (const wake of hookWaiters.splice(0)) wake();
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks/livekit`;
  lk = await startLivekit({ webhookUrls: [hookUrl] });
}, 180_000);

afterAll(async () => {
  // Without dispose() the native FFI threads keep the worker alive forever.
  for (const room of rooms) await room.disconnect().catch(() => {});
  await dispose();
  await lk?.stop();
  await new Promise((resolve) => hookServer?.close(resolve));
}, 30_000);

const httpUrl = (): string => lk.url.replace(/^ws/, 'http');

async function tokenFor(apiKey: string, apiSecret: string, room: string, identity: string): Promise<string> {
  const at = new AccessToken(apiKey, apiSecret, { identity, ttl: 300 });
  at.addGrant({ room, roomJoin: true, canSubscribe: true, canPublish: false });
  return at.toJwt();
}

async function join(token: string): Promise<Room> {
  const room = new Room();
  rooms.push(room);
  await room.connect(lk.url, token, { autoSubscribe: false, dynacast: false });
  return room;
}

/** The process's command line as it is visible to every local user (/proc/<pid>/cmdline is world-readable). */
const cmdline = (pid: number): string[] => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('credentials of the embedded LiveKit', () => {
  it('are random per launch, strong, and appear nowhere on the command line; no --dev', () => {
    expect(lk.apiKey).toMatch(/^API[0-9A-Za-z]{8,}$/);
    expect(lk.apiKey).not.toBe('devkey');
    expect(lk.apiSecret.length).toBeGreaterThanOrEqual(32);
    const argv = cmdline(lk.pid);
    expect(argv.length).toBeGreaterThan(0);
    const joined = argv.join(' ');
    expect(joined).not.toContain(lk.apiSecret);
    expect(argv).not.toContain('--dev');
    expect(joined).not.toMatch(/--dev\b|--keys|--config-body/);
    // /proc/<pid>/environ (where the config goes) is readable only by the same user (and root), like our own files:
    // it is no more exposed than the secrets file itself, so it is not checked here.
  });

  it('explicit credentials are used as given, also kept off the command line; weak or well-known ones are refused', async () => {
    const apiKey = 'APIexplicit1234';
    const apiSecret = 'an-explicit-secret-that-is-long-enough-0123456789';
    const other = await startLivekit({ apiKey, apiSecret });
    try {
      expect(other).toMatchObject({ apiKey, apiSecret });
      expect(cmdline(other.pid).join(' ')).not.toContain(apiSecret);
      await expect(new RoomServiceClient(other.url.replace(/^ws/, 'http'), apiKey, apiSecret).listRooms()).resolves.toEqual([]);
    } finally {
      await other.stop();
    }
    await expect(startLivekit({ apiKey: 'devkey', apiSecret: 'secret' })).rejects.toThrow(/devkey/);
    await expect(startLivekit({ apiKey: 'APIshort', apiSecret: 'too-short' })).rejects.toThrow(/32 characters/);
  });

  it('a token signed with the public dev pair devkey/secret is refused', async () => {
    const room = new Room();
    rooms.push(room);
    const outcome = await timeout(
      room.connect(lk.url, await tokenFor('devkey', 'secret', 'creds-a', 'intruder'), { autoSubscribe: false, dynacast: false }).then(
        () => 'joined',
        (err: unknown) => `refused: ${err instanceof Error ? err.message : String(err)}`,
      ),
      20_000,
      'devkey connect settles',
    );
    expect(outcome).toMatch(/^refused/);
    // Control: the real credentials do get in, so the refusal above is about the key.
    const ok = await join(await tokenFor(lk.apiKey, lk.apiSecret, 'creds-a', 'member'));
    expect(ok.isConnected).toBe(true);
  });

  it('the room service refuses devkey/secret and accepts the real pair', async () => {
    await expect(new RoomServiceClient(httpUrl(), 'devkey', 'secret').listRooms()).rejects.toThrow();
    await expect(new RoomServiceClient(httpUrl(), lk.apiKey, 'x'.repeat(40)).listRooms()).rejects.toThrow();
    await expect(new RoomServiceClient(httpUrl(), lk.apiKey, lk.apiSecret).listRooms()).resolves.toBeInstanceOf(Array);
  });
});

// ---- sockets, from /proc/net ----

interface Sock {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  state: number;
  inode: string;
}

/** /proc/net addresses are hex, each 32-bit word in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().map((b) => parseInt(b, 16)));
  const bytes = words.flat();
  if (bytes.length === 4) return bytes.join('.');
  const v4mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (v4mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function socketsOf(pid: number): Sock[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]!);
  }
  const out: Sock[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const file = `/proc/net/${proto}`;
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addrHex, portHex] = cols[1]!.split(':');
      const inode = cols[9]!;
      if (!inodes.has(inode)) continue;
      out.push({ proto, address: decodeAddress(addrHex!), port: parseInt(portHex!, 16), state: parseInt(cols[3]!, 16), inode });
    }
  }
  return out;
}

const TCP_LISTEN = 0x0a;
const LOOPBACK = new Set(['127.0.0.1', '::ffff:127.0.0.1']);
const WILDCARD = new Set(['0.0.0.0', '::']);

describe('where the embedded LiveKit listens', () => {
  it('HTTP/signalling and the UDP media mux on 127.0.0.1 only, and no RTC TCP port (livekit cannot bind it to an address)', () => {
    const socks = socketsOf(lk.pid);
    const httpPort = Number(new URL(lk.url).port);
    const listening = socks.filter((s) => (s.proto.startsWith('tcp') ? s.state === TCP_LISTEN : true));
    const describe = (s: Sock): string => `${s.proto} ${s.address}:${s.port}`;

    const httpSocks = listening.filter((s) => s.proto.startsWith('tcp') && s.port === httpPort);
    expect(httpSocks.map(describe)).toEqual([`tcp 127.0.0.1:${httpPort}`]);

    const udp = listening.filter((s) => s.proto.startsWith('udp'));
    expect(udp.length).toBeGreaterThan(0);
    expect(udp.filter((s) => s.port === lk.ports.udp).length).toBeGreaterThan(0);
    // Every UDP socket livekit holds is on loopback: no mux on the LAN address, none on ::1 or a wildcard.
    expect(udp.filter((s) => !LOOPBACK.has(s.address)).map(describe)).toEqual([]);

    // Nothing else listens on TCP: no RTC TCP port (it could only be bound to every interface in 1.13.5, so it is
    // off), and no prometheus, pprof or TURN ports. In particular nothing on a wildcard address.
    const others = listening.filter((s) => s.proto.startsWith('tcp') && s.port !== httpPort);
    expect(others.map(describe)).toEqual([]);
    expect(listening.filter((s) => WILDCARD.has(s.address)).map(describe)).toEqual([]);
  });
});

describe('webhooks', () => {
  it('a participant joining is posted, signed, to the configured URL', async () => {
    const receiver = new WebhookReceiver(lk.apiKey, lk.apiSecret);
    const seen = (): Hook | undefined => hooks.find((h) => h.body.includes('participant_joined') && h.body.includes('joiner'));
    const arrived = new Promise<void>((resolve) => {
      const check = (): void => (seen() ? resolve() : void hookWaiters.push(check));
      check();
    });
    await join(await tokenFor(lk.apiKey, lk.apiSecret, 'creds-hook', 'joiner'));
    await timeout(arrived, 15_000, 'participant_joined webhook');
    const hook = seen()!;
    expect(hook.authorization).toBeTruthy();
    expect(hook.contentType).toMatch(/webhook\+json/);
    const event = await receiver.receive(hook.body, hook.authorization);
    expect(event.event).toBe('participant_joined');
    expect(event.participant?.identity).toBe('joiner');
    expect(event.room?.name).toBe('creds-hook');
  });
});
