// Serves one recording file to the studio page, with byte ranges so the <audio> element can seek in a long mix.
// Only files the recorder handed a token for are reachable (see main/services/recording/media-tokens.ts).
import fs from 'node:fs';
import type http from 'node:http';

export function serveMediaFile(file: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('This recording file is gone.');
    return;
  }
  const base = { ...headers, 'Content-Type': 'audio/wav', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  // A range whose last byte comes before its first is not a range at all (RFC 9110 §14.1.1): the whole file.
  const valid = range && (range[1] || range[2]) && !(range[1] && range[2] && Number(range[2]) < Number(range[1]));
  if (valid) {
    if (range[1]) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    } else {
      start = Math.max(0, size - Number(range[2]));
    }
    if (!Number.isSafeInteger(start) || start > end || start >= size) {
      res.writeHead(416, { ...base, 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    res.writeHead(206, { ...base, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) });
  } else {
    res.writeHead(200, { ...base, 'Content-Length': String(size) });
  }
  // An empty file has no bytes to stream (a read stream would be asked for bytes 0 to -1).
  if (req.method === 'HEAD' || size === 0) return void res.end();
  const stream = fs.createReadStream(file, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
