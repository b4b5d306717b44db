// One build for the three Electron parts. The renderer has two pages: the studio and the listener page; both use
// absolute /assets/ URLs because the space server serves the listener page at /s/<id> and Electron loads the studio
// from its own app:// scheme (never file://).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('main/index.ts') } },
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
