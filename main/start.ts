// `npm start`: the Electron studio when its binary is available; otherwise (as on machines that cannot download
// Electron) it says so plainly and serves the web studio — the same renderer, in any browser, on loopback.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installProcessGuard } from '../server/process-guard';
import { defaultDataDir, findRepoRoot, rendererDir } from './paths';
import { runWebStudio } from './web/run';

const root = findRepoRoot();
const require = createRequire(import.meta.url);

function electronBinary(): string | null {
  const pkgDir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(pkgDir, 'path.txt');
  const binary = () =>
    fs.existsSync(pathFile) ? path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim()) : null;
  const found = binary();
  if (found && fs.existsSync(found)) return found;
  if (process.env.PODIUM_WEB === '1') return null;
  // Electron 45 downloads its binary on first launch; try once, quietly, and fall back if that fails.
  const attempt = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], { stdio: 'ignore', timeout: 120_000 });
  const after = binary();
  return attempt.status === 0 && after && fs.existsSync(after) ? after : null;
}

async function main(): Promise<void> {
  const electron = electronBinary();
  if (electron) {
    const child = spawn(electron, [root], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(
    [
      '',
      '  Electron is not available on this machine (its binary could not be downloaded),',
      '  so Podium is starting the web studio instead: the same studio, in your browser.',
      '',
    ].join('\n'),
  );
  const log = (line: string) => console.log(`  · ${line}`);
  const studio = await runWebStudio({
    dataDir: defaultDataDir(),
    assetsDir: rendererDir(root),
    version: (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version,
    spaceServerPort: Number(process.env.PODIUM_PORT ?? 7800),
    spaceServerHost: process.env.PODIUM_HOST ?? '127.0.0.1',
    publicUrl: process.env.PODIUM_PUBLIC_URL,
    studioPort: Number(process.env.PODIUM_STUDIO_PORT ?? 7801),
    log,
  });
  console.log(
    [
      '',
      `  Podium web studio:  ${studio.host.url}`,
      `  Space server:       ${studio.services.info.spaceServerUrl}  (listener links point here)`,
      `  LiveKit:            ${studio.services.info.livekitUrl}`,
      `  Data:               ${defaultDataDir()}`,
      '',
      '  Open the studio link in Chromium or Chrome. Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n  Stopping Podium…');
    await studio.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Whatever escapes a handler of the web studio or the embedded space server is logged, and both keep serving.
installProcessGuard((line) => console.error(`  ! ${line}`));

main().catch((error: unknown) => {
  console.error(`\n  Podium could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
