// A minimal WebSocket client for the fan-out bench's ten thousand listeners: the HTTP upgrade, unmasked server frames
// parsed straight from the socket's bytes, masked client frames, pongs. No streams, no per-message events, no UTF-8
// decoding: the bench's one load process must read 10,000 sockets a moment, and with the `ws` library's per-message
// machinery (~14 µs a message here) its own reading, not the server's writing, set the first-to-last spread it
// measured. Not a general client: no fragmentation (the space server never fragments), no extensions.
import crypto from 'node:crypto';
import net from 'node:net';

export interface RawClient {
  send(text: string): void;
  close(): void;
}

function frame(opcode: number, payload: Buffer, mask: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  mask.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/**
 * Opens `url` (ws://host:port/path) from `localAddress`; `onFrame` gets each text or binary frame's payload (a view
 * into the read buffer: copy it to keep it). Resolves null when the connection or the upgrade fails.
 */
export function rawConnect(url: string, localAddress: string, onFrame: (payload: Buffer) => void): Promise<RawClient | null> {
  const target = new URL(url);
  const mask = crypto.randomBytes(4);
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress });
    socket.setNoDelay(true);
    let upgraded = false;
    let pending: Buffer | null = null;
    const client: RawClient = {
      send: (text) => void socket.write(frame(0x1, Buffer.from(text), mask)),
      close: () => socket.destroy(),
    };
    socket.once('error', () => resolve(null));
    socket.once('close', () => resolve(null));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return void (pending = buf);
        if (!buf.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 101')) {
          socket.destroy();
          return resolve(null);
        }
        upgraded = true;
        resolve(client);
        buf = buf.subarray(end + 4);
      }
      let at = 0;
      while (buf.length - at >= 2) {
        const opcode = buf[at]! & 0x0f;
        let len = buf[at + 1]! & 0x7f;
        let head = 2;
        if (len === 126) {
          if (buf.length - at < 4) break;
          len = buf.readUInt16BE(at + 2);
          head = 4;
        } else if (len === 127) {
          if (buf.length - at < 10) break;
          len = Number(buf.readBigUInt64BE(at + 2));
          head = 10;
        }
        if (buf.length - at < head + len) break;
        const payload = buf.subarray(at + head, at + head + len);
        at += head + len;
        if (opcode === 0x1 || opcode === 0x2) onFrame(payload);
        else if (opcode === 0x9) socket.write(frame(0xa, payload, mask));
        else if (opcode === 0x8) socket.end();
      }
      if (at < buf.length) pending = Buffer.from(buf.subarray(at));
    });
    socket.once('connect', () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}
