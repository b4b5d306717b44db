// Makes the tray (menu-bar) icons in resources/tray/ from code, so they are reviewable and repeatable: a round
// badge per state (idle grey, live red, muted amber, recording red with a white dot, trouble orange with a bar),
// 16 px and 32 px (@2x), and macOS "Template" versions (black with alpha, which macOS tints for light and dark bars).
//   npx tsx scripts/tray-icons.ts
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

type Rgb = [number, number, number];
const STATES: Record<string, { fill: Rgb; mark: 'none' | 'dot' | 'slash' | 'bar' | 'ring' }> = {
  idle: { fill: [140, 146, 160], mark: 'ring' },
  live: { fill: [239, 68, 68], mark: 'none' },
  muted: { fill: [245, 158, 11], mark: 'slash' },
  recording: { fill: [220, 38, 38], mark: 'dot' },
  trouble: { fill: [249, 115, 22], mark: 'bar' },
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage (0..1) of a pixel by the icon's shape: a disc with the state's mark cut out or added, 4× supersampled. */
function coverage(size: number, x: number, y: number, mark: string): { disc: number; mark: number } {
  let disc = 0;
  let inMark = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size - 0.5;
      const v = (y + (sy + 0.5) / 4) / size - 0.5;
      const r = Math.hypot(u, v);
      if (r > 0.46) continue;
      disc++;
      const m =
        (mark === 'dot' && r < 0.16) ||
        (mark === 'ring' && r > 0.3) ||
        (mark === 'slash' && Math.abs(u + v) < 0.07) ||
        (mark === 'bar' && Math.abs(u) < 0.06 && v > -0.26 && v < 0.1);
      if (m) inMark++;
    }
  }
  return { disc: disc / 16, mark: inMark / 16 };
}

const out = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'resources', 'tray');
fs.mkdirSync(out, { recursive: true });
for (const [state, { fill, mark }] of Object.entries(STATES)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]] as const) {
    const colour = (x: number, y: number): [number, number, number, number] => {
      const c = coverage(size, x, y, mark);
      const white = mark === 'dot' || mark === 'bar' || mark === 'slash';
      const rgb: Rgb = white ? (fill.map((f) => Math.round(f + (255 - f) * (c.mark / Math.max(c.disc, 1e-9)))) as Rgb) : fill;
      const alpha = mark === 'ring' ? c.mark : c.disc;
      return [...rgb, Math.round(alpha * 255)];
    };
    // Template: black, the mark cut out of the disc (macOS draws it in the bar's own colour).
    const template = (x: number, y: number): [number, number, number, number] => {
      const c = coverage(size, x, y, mark);
      const alpha = mark === 'ring' ? c.mark : mark === 'none' ? c.disc : c.disc - c.mark;
      return [0, 0, 0, Math.round(Math.max(0, alpha) * 255)];
    };
    fs.writeFileSync(path.join(out, `${state}${suffix}.png`), png(size, colour));
    fs.writeFileSync(path.join(out, `${state}Template${suffix}.png`), png(size, template));
  }
}
console.log(`tray icons written to ${out}`);
