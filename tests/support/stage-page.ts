// A blank same-origin page serving the BUILT publish stage (out/renderer/assets/stage-processor-*.js) and the
// low-CPU model's wasm, for driving the real AudioWorklet in Chromium without the studio around it. Used by the
// worklet e2e test and the latency bench. Needs `electron-vite build` first (npm test builds before vitest).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ASSETS_DIR } from './studio';

export interface StagePage {
  origin: string;
  /** Paths on `origin`: the stage module and the low-CPU wasm, plus any extra files passed in. */
  urls: { stage: string; wasm: string } & Record<string, string>;
  /** The built stage's file name (it carries the content hash). */
  stageFile: string;
  close(): void;
}

/** Serves the built stage, its wasm and `extra` (url path → file); '/' is an empty page of the same origin. */
export async function serveStage(extra: Record<string, string> = {}): Promise<StagePage> {
  const assets = path.join(ASSETS_DIR, 'assets');
  const find = (prefix: string, ext: string) => fs.existsSync(assets) && fs.readdirSync(assets).find((f) => f.startsWith(prefix) && f.endsWith(ext));
  const stage = find('stage-processor-', '.js');
  const wasm = find('rnnoise_simd-', '.wasm');
  if (!stage || !wasm) throw new Error('the renderer is not built (no stage-processor-*.js / rnnoise_simd-*.wasm); run `npx electron-vite build`');
  const routes: Record<string, string> = {
    [`/assets/${stage}`]: path.join(assets, stage),
    [`/assets/${wasm}`]: path.join(assets, wasm),
    ...extra,
  };
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    // A blank page of our own origin: the worklet and the wasm must be same-origin, as in the app.
    if (pathname === '/') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>stage</title>');
    const file = routes[pathname];
    if (!file) return void res.writeHead(404).end();
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.html') ? 'text/html' : 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const extraUrls = Object.fromEntries(Object.keys(extra).map((p) => [p, p]));
  return {
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    urls: { ...extraUrls, stage: `/assets/${stage}`, wasm: `/assets/${wasm}` },
    stageFile: stage,
    close: () => server.close(),
  };
}
