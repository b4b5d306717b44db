// The two ports a livekit-server of ours takes on loopback (HTTP/signalling over TCP, the UDP media mux): free ones
// for a first start, and — for a restart on the same ports — whether the process being replaced has let go of them.
import dgram from 'node:dgram';
import net from 'node:net';

export interface Ports {
  /** HTTP/signalling (TCP). */
  http: number;
  /** The UDP media mux. */
  udp: number;
}

function listenTcp(port: number, host?: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    // No host for a free port: one free on every interface is free on loopback, where livekit binds it.
    server.listen(port, host, () => resolve(server));
  });
}

function bindUdp(port: number, address?: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, address, () => resolve(socket));
  });
}

const closeTcp = (server: net.Server): Promise<void> => new Promise((r) => server.close(() => r()));
const closeUdp = (socket: dgram.Socket): Promise<void> => new Promise((r) => socket.close(() => r()));

/** Ports the OS just handed out are very unlikely to be handed to a parallel test before livekit binds them. */
export async function pickPorts(): Promise<Ports> {
  const [a, u] = await Promise.all([listenTcp(0), bindUdp(0)]);
  const ports = { http: (a.address() as net.AddressInfo).port, udp: u.address().port };
  await Promise.all([closeTcp(a), closeUdp(u)]);
  return ports;
}

/** Whether livekit could bind both ports on loopback right now (tried, then let go at once). */
export async function portsFree(ports: Ports): Promise<boolean> {
  const [tcp, udp] = await Promise.allSettled([listenTcp(ports.http, '127.0.0.1'), bindUdp(ports.udp, '127.0.0.1')]);
  await Promise.all([tcp.status === 'fulfilled' && closeTcp(tcp.value), udp.status === 'fulfilled' && closeUdp(udp.value)]);
  return tcp.status === 'fulfilled' && udp.status === 'fulfilled';
}

/**
 * Waits until both ports are free or `until` (ms, Date.now clock) passes; says which. A process being replaced — a
 * hung livekit just killed, or the one of a services process that crashed — may hold them for a moment.
 */
export async function waitForPorts(ports: Ports, until: number, everyMs = 100): Promise<boolean> {
  for (;;) {
    if (await portsFree(ports)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function checkPorts(ports: Ports): void {
  for (const port of [ports.http, ports.udp]) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`livekit ports must be 1–65535, got ${JSON.stringify(ports)}`);
  }
}
