// Waits until the ports a stopped services process held are free again, so its successor binds the same ones: the
// space server's (every listener link names it) and the embedded LiveKit's (its watchdog kills that server when the
// dead process's pipe closes, a moment after the process itself is gone).
import dgram from 'node:dgram';
import net from 'node:net';

/** A port the stopped process held, probed on the address it was bound to. */
export interface HeldPort {
  protocol: 'tcp' | 'udp';
  host: string;
  port: number;
}

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    probe.once('error', () => {
      probe.close();
      resolve(false);
    });
    probe.bind(port, host, () => probe.close(() => resolve(true)));
  });
}

export async function portsFree(held: readonly HeldPort[]): Promise<boolean> {
  for (const { protocol, host, port } of held) {
    if (!(await (protocol === 'tcp' ? tcpFree(host, port) : udpFree(host, port)))) return false;
  }
  return true;
}

/** True once every port is free; false if they are still taken after timeoutMs, or `stop()` said to give up. */
export async function waitForFreePorts(held: readonly HeldPort[], timeoutMs: number, stop: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (stop()) return false;
    if (await portsFree(held)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
