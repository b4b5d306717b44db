// Serves one recording file to the studio page, with byte ranges so the <audio> element can seek in a long mix.
// Only files the recorder handed a token for are reachable (see main/services/recording/media-tokens.ts). The range
// decision is one pure function, used by the web studio here and by Electron's app scheme (main/index.ts).
import fs from 'node:fs';
import type http from 'node:http';

export interface MediaPlan {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** The bytes to send, inclusive; null for none (416, or an empty file). */
  range: { start: number; end: number } | null;
}

/** What to answer for a file of `size` bytes and the request's Range header. */
export function planMediaResponse(size: number, rangeHeader: string | undefined | null): MediaPlan {
  const base = { 'Content-Type': 'audio/wav', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  const range = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader ?? '');
  // A range whose last byte comes before its first is not a range at all (RFC 9110 §14.1.1): the whole file.
  const valid = range && (range[1] || range[2]) && !(range[1] && range[2] && Number(range[2]) < Number(range[1]));
  if (!valid) return { status: 200, headers: { ...base, 'Content-Length': String(size) }, range: size > 0 ? { start: 0, end: size - 1 } : null };
  let start: number;
  let end = size - 1;
  if (range[1]) {
    start = Number(range[1]);
    if (range[2]) end = Math.min(Number(range[2]), size - 1);
  } else {
    start = Math.max(0, size - Number(range[2]));
  }
  if (!Number.isSafeInteger(start) || start > end || start >= size) {
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, range: null };
  }
  return {
    status: 206,
    headers: { ...base, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) },
    range: { start, end },
  };
}

export function serveMediaFile(file: string, req: http.IncomingMessage, res: http.ServerResponse, headers: Record<string, string>): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('This recording file is gone.');
    return;
  }
  const plan = planMediaResponse(size, req.headers.range);
  res.writeHead(plan.status, { ...headers, ...plan.headers });
  if (req.method === 'HEAD' || !plan.range) return void res.end();
  const stream = fs.createReadStream(file, plan.range);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
