// One build for the three Electron parts. The renderer has two pages: the studio and the listener page; both use
// absolute /assets/ URLs because the space server serves the listener page at /s/<id> and Electron loads the studio
// from its own app:// scheme (never file://).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      // The studio's services run in a process of their own (main/services/process/parent.ts finds services.js here),
      // and the recorder writes files in a worker thread of that process (recording/host.ts finds recorder-worker.js).
      rollupOptions: {
        input: {
          index: resolve('main/index.ts'),
          services: resolve('main/services/process/child.ts'),
          'recorder-worker': resolve('main/services/recording/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be CommonJS.
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: '/',
    plugins: [react()],
    // The audio stage is an AudioWorklet module: ES format keeps `import.meta.url` as it is, where the default IIFE
    // would rewrite it to `self.location`, which a worklet scope does not have.
    worker: { format: 'es' },
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: {
        input: {
          studio: resolve('renderer/studio/index.html'),
          listener: resolve('renderer/listener/index.html'),
        },
      },
    },
  },
});
