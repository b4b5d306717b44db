// Lint with import boundaries: each SDK, native module and Electron may be imported only where the architecture
// puts it, so a renderer file cannot reach for the API secret's SDK and a service cannot grow an Electron habit.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// scripts/ holds development and CI tools (scripts/livekit.ts can run `go install`): no shipped code may reach them.
// Every production block below uses restrict(), and a later block replaces an earlier one's rule options, so the
// ban rides along in each of them.
const NO_SCRIPTS = { group: ['**/scripts', '**/scripts/**'], message: 'scripts/ is for development and CI only; production code may not import it.' };

const restrict = (...names) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: names.map((name) => ({ name, message: `${name} may not be imported here (see README: architecture).` })),
      patterns: [...names.map((name) => ({ group: [`${name}/*`], message: `${name} may not be imported here.` })), NO_SCRIPTS],
    },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.cache/**', 'dist/**', 'screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // common/: pure, shared by every process; imports only zod.
  {
    files: ['common/**/*.ts'],
    rules: restrict('electron', 'livekit-client', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup', 'mediasoup-client', 'react', 'ws', 'node:fs'),
  },
  // renderer/: browser code; SDKs only through renderer/sfu (checked below).
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/sfu/**'],
    rules: restrict('electron', 'livekit-client', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup', 'mediasoup-client', 'ws'),
  },
  {
    files: ['renderer/sfu/**/*.ts'],
    rules: restrict('electron', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup', 'ws'),
  },
  // server/: the only importer of livekit-server-sdk (server/livekit), mediasoup (server/sfu/mediasoup) and
  // better-sqlite3 (server/store).
  {
    files: ['server/**/*.ts'],
    ignores: ['server/livekit/**', 'server/store/**', 'server/sfu/mediasoup/**'],
    rules: restrict('electron', 'livekit-client', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup', 'mediasoup-client', 'react'),
  },
  { files: ['server/livekit/**/*.ts'], rules: restrict('electron', 'livekit-client', 'better-sqlite3', 'mediasoup', 'mediasoup-client', 'react') },
  { files: ['server/sfu/mediasoup/**/*.ts'], rules: restrict('electron', 'livekit-client', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup-client', 'react') },
  { files: ['server/store/**/*.ts'], rules: restrict('electron', 'livekit-client', 'livekit-server-sdk', 'mediasoup', 'mediasoup-client', 'react') },
  // main/: Electron main and the Node launchers may use anything but scripts/ (narrowed for services just below).
  { files: ['main/**/*.ts'], rules: restrict() },
  // main/services: plain Node modules, so the web studio and tests run them without Electron.
  {
    files: ['main/services/**/*.ts', 'main/web/**/*.ts', 'main/ipc/handlers.ts'],
    rules: restrict('electron', 'livekit-client', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup', 'mediasoup-client', 'react'),
  },
  { files: ['preload/**/*.ts'], rules: restrict('livekit-client', 'livekit-server-sdk', 'better-sqlite3', 'mediasoup', 'mediasoup-client', 'react', 'ws') },
);
