// The ports a livekit-server of ours takes (server/livekit/ports.ts): a restart on the same ports waits until the
// process being replaced has let go of them, rather than taking an answer from that process for its own.
import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkPorts, pickPorts, portsFree, waitForPorts } from '../../../../server/livekit/ports';

describe('livekit ports', () => {
  it('sees a port held by someone else as taken, TCP or UDP, and free once they let go', async () => {
    const ports = await pickPorts();
    expect(await portsFree(ports)).toBe(true);
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(ports.http, '127.0.0.1', r));
    expect(await portsFree(ports)).toBe(false);
    const freed = waitForPorts(ports, Date.now() + 10_000, 20);
    setTimeout(() => holder.close(), 150);
    expect(await freed).toBe(true);
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(ports.udp, '127.0.0.1', r));
    expect(await waitForPorts(ports, Date.now() + 100, 20)).toBe(false);
    udp.close();
  });

  it('refuses ports that are not ports', () => {
    expect(() => checkPorts({ http: 0, udp: 7881 })).toThrow(/1–65535/);
    expect(() => checkPorts({ http: 7880, udp: 70_000 })).toThrow(/1–65535/);
    expect(() => checkPorts({ http: 7880, udp: 7881 })).not.toThrow();
  });
});
