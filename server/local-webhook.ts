// Where a LiveKit started on this machine posts its webhooks: the space server that is about to listen on
// host:port. LiveKit starts first and must be told that URL, so a port of 0 is settled to a free one here.
import net from 'node:net';
import { LIVEKIT_WEBHOOK_PATH } from './livekit/webhooks';

/** A port free on `host` right now; the space server binds it moments later. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** How LiveKit, on this machine, reaches a server listening on `host`: a wildcard means loopback. */
export function localAddressOf(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return net.isIPv6(host) ? `[${host}]` : host;
}

/** The space server's port (a free one if `port` is 0) and the webhook URL a local LiveKit should post to. */
export async function localWebhook(host: string, port: number): Promise<{ port: number; url: string }> {
  const settled = port === 0 ? await freePort(host) : port;
  return { port: settled, url: `http://${localAddressOf(host)}:${settled}${LIVEKIT_WEBHOOK_PATH}` };
}
