// A test network made inside the test run: a network namespace joined to the root namespace by a veth pair on a
// private /30, and a launcher that runs Chromium inside it. Whatever runs in the namespace reaches the root namespace
// only through the veth, and never its loopback, so an SFU whose media port listens on loopback can only be reached
// through a relay (tests/support/udp-impairment.ts), which knows each client by its namespace's address. Names carry this process's pid, so parallel runs never clash, and a run killed
// before it could clean up has its leftovers removed by the next one. Teardown runs on close(), on exit, and on
// SIGINT/SIGTERM. Needs root (or CAP_NET_ADMIN) and iproute2; canMakeNamespaces() says why not when it cannot.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH } from './chromium';

export const NETNS_PREFIX = 'podnet-';
const LINK_PREFIX = 'pn';
const IP = fs.existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : 'ip';

function ip(...args: string[]): string {
  return execFileSync(IP, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface TestNetwork {
  /** The namespace's name (`ip netns exec <ns> ...`). */
  ns: string;
  /** Root-side veth address: what the namespace reaches the host at. */
  hostAddress: string;
  /** Namespace-side veth address. */
  peerAddress: string;
  /** An executable that runs Chromium inside the namespace (for playwright's `executablePath`). */
  chromiumInNamespace: string;
  close(): void;
}

/** Null when namespaces can be made here, else the reason (for a test's skip message). */
export function canMakeNamespaces(): string | null {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'making a network namespace needs root (CAP_NET_ADMIN); this run is not root';
  try {
    ip('netns', 'list');
  } catch (error) {
    return `iproute2's \`ip netns\` does not work here: ${(error as Error).message.split('\n')[0]}`;
  }
  return null;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes namespaces and root-side links of ours whose process is gone (a run killed before its teardown). */
export function cleanStaleNetworks(): string[] {
  const removed: string[] = [];
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = Number(/^podnet-(\d+)-\d+$/.exec(name)?.[1]);
    if (pid && !alive(pid)) {
      try {
        ip('netns', 'del', name);
        removed.push(name);
      } catch {
        // Someone else removed it in the meantime.
      }
    }
  }
  for (const line of ip('-o', 'link', 'show').split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '';
    const pid = Number(/^pn(\d+)h\d+$/.exec(name)?.[1]);
    if (pid && !alive(pid)) {
      try {
        ip('link', 'del', name);
        removed.push(name);
      } catch {
        // Gone with its namespace already.
      }
    }
  }
  return removed;
}

/** A free /30 in 10.213.0.0/16 (chosen from the pid, then the next free one): [host, peer] addresses. */
function pickSubnet(serial: number): [string, string] {
  const used = ip('-o', '-4', 'addr', 'show');
  const start = (process.pid * 7 + serial * 13) % 16384;
  for (let i = 0; i < 16384; i++) {
    const block = (start + i) % 16384;
    const base = `10.213.${Math.floor(block / 64)}.`;
    const host = `${base}${(block % 64) * 4 + 1}`;
    const peer = `${base}${(block % 64) * 4 + 2}`;
    if (!used.includes(` ${host}/`) && !used.includes(` ${peer}/`)) return [host, peer];
  }
  throw new Error('no free /30 in 10.213.0.0/16 for a test network');
}

let serial = 0;

export function createTestNetwork(): TestNetwork {
  const reason = canMakeNamespaces();
  if (reason) throw new Error(reason);
  cleanStaleNetworks();
  const n = ++serial;
  const ns = `${NETNS_PREFIX}${process.pid}-${n}`;
  const hostLink = `${LINK_PREFIX}${process.pid}h${n}`;
  const peerLink = `${LINK_PREFIX}${process.pid}p${n}`;
  const [hostAddress, peerAddress] = pickSubnet(n);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-netns-'));
  let closed = false;

  const teardown = (): void => {
    if (closed) return;
    closed = true;
    process.off('exit', teardown);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Deleting the namespace destroys the veth end inside it, and with it the pair; the link delete covers a
    // namespace that was never made.
    for (const args of [['netns', 'del', ns], ['link', 'del', hostLink]]) {
      try {
        ip(...args);
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    teardown();
    // Then die of the signal as we would have without this handler, unless someone else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('exit', teardown);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', peerLink);
    ip('link', 'set', peerLink, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostLink);
    ip('link', 'set', hostLink, 'up');
    ip('netns', 'exec', ns, IP, 'addr', 'add', `${peerAddress}/30`, 'dev', peerLink);
    ip('netns', 'exec', ns, IP, 'link', 'set', peerLink, 'up');
    ip('netns', 'exec', ns, IP, 'link', 'set', 'lo', 'up');
    // Every address of the root namespace (not its loopback) is reachable from inside, e.g. another test network's
    // host address, where a relay may listen.
    ip('netns', 'exec', ns, IP, 'route', 'add', 'default', 'via', hostAddress);
  } catch (error) {
    teardown();
    throw new Error(`could not make test network ${ns}: ${(error as Error).message}`);
  }

  const chromiumInNamespace = path.join(dir, 'chromium-in-netns');
  // playwright talks to the browser over a pipe (--remote-debugging-pipe), which `ip netns exec` passes through.
  fs.writeFileSync(chromiumInNamespace, `#!/bin/sh\nexec ${IP} netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`, { mode: 0o755 });
  return { ns, hostAddress, peerAddress, chromiumInNamespace, close: teardown };
}
