// Where things live on disk for the Node-side shells: the repo root (found from this file, bundled or not),
// the built renderer, and the per-user data folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findRepoRoot(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'electron.vite.config.ts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function rendererDir(root = findRepoRoot()): string {
  return path.join(root, 'out', 'renderer');
}

/** PODIUM_DATA_DIR, or the platform's usual per-user folder. */
export function defaultDataDir(): string {
  if (process.env.PODIUM_DATA_DIR) return path.resolve(process.env.PODIUM_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Podium');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? home, 'Podium');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'podium');
}
