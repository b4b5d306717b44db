// The preload as built (out/preload/index.cjs), run the way a sandboxed Electron preload runs: CommonJS whose
// `require` gives nothing but `electron` — here a STAND-IN for it that records what is exposed to the page and plays
// main's part on the IPC channel. Electron's binary cannot be downloaded here; what this cannot prove (the real
// sandbox, the real contextBridge) is listed in README ("What does not work yet").
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/fake-electron/driver';

const PRELOAD = path.join(ROOT, 'out/preload/index.cjs');

function loadPreload() {
  const exposed: Record<string, unknown> = {};
  const ipc = new EventEmitter();
  const electron = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) },
    ipcRenderer: {
      on: (channel: string, listener: (...args: unknown[]) => void) => ipc.on(channel, listener),
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => ipc.removeListener(channel, listener),
      invoke: async () => undefined,
      postMessage: () => undefined,
    },
  };
  const required: string[] = [];
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require '${name}'`);
  };
  const module = { exports: {} };
  const code = fs.readFileSync(PRELOAD, 'utf8');
  vm.runInNewContext(`(function (require, module, exports) {${code}\n})`, { MessageChannel })(sandboxRequire, module, module.exports);
  /** main's webContents.send(channel, ...args) */
  const fromMain = (channel: string, ...args: unknown[]) => ipc.emit(channel, {}, ...args);
  return { exposed, required, fromMain };
}

describe('the built preload, in a stand-in sandbox', () => {
  it('needs no module but electron, and exposes exactly the studio bridges', () => {
    expect(fs.existsSync(PRELOAD), `${PRELOAD} missing: run npm run build`).toBe(true);
    const { exposed, required } = loadPreload();
    expect([...new Set(required)]).toEqual(['electron']);
    expect(Object.keys(exposed).sort()).toEqual(['podium', 'podiumAudio', 'podiumDesktop', 'podiumLinks', 'podiumServices']);
  });

  it('keeps the link that launched Podium until the studio listens, then hands it over once', () => {
    const { exposed, fromMain } = loadPreload();
    const links = exposed.podiumLinks as { onOpen(cb: (url: string) => void): () => void };
    // main sends it when the page has loaded; the studio subscribes only once it has started
    fromMain('podium:open-link', 'https://spaces.example.org/s/abcdefghij#cohost=' + 'k'.repeat(32));
    fromMain('podium:open-link', 42); // not a link: dropped
    const got: string[] = [];
    links.onOpen((url) => got.push(url));
    expect(got).toEqual(['https://spaces.example.org/s/abcdefghij#cohost=' + 'k'.repeat(32)]);
    fromMain('podium:open-link', 'https://spaces.example.org/s/bcdefghijk');
    expect(got).toHaveLength(2);
  });
});
