// `npm start`: the Electron studio when its binary is available; otherwise (as on machines that cannot download
// Electron) it says so plainly and serves the web studio — the same renderer, in any browser, on loopback.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installProcessGuard } from '../server/process-guard';
import { defaultDataDir, findRepoRoot, rendererDir } from './paths';
import { DEFAULT_STUDIO_PORT, SettingsError, webStudioSettings, type WebStudioSettings } from './shell/env';
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

/** Exit code for a setting that cannot work, as command-line tools use 2 for usage errors. */
export const EXIT_BAD_SETTING = 2;

/** The settings, or one line naming the variable at fault and the exit code to stop with. */
export function startSettings(env: NodeJS.ProcessEnv): { settings: WebStudioSettings } | { error: string; exitCode: number } {
  try {
    return { settings: webStudioSettings(env) };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return { error: `Podium cannot start: ${error.message}`, exitCode: EXIT_BAD_SETTING };
  }
}

/** Why the start failed, in words: a port someone else holds is the usual cause, and the person can fix it. */
export function startFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = error instanceof Error ? error.message : String(error);
  // The services process reports its errors as text, so the code is read from the message.
  const inUse = /EADDRINUSE\b.*?(\[[^\]]+\]|[^\s:]+):(\d+)/.exec(message);
  if (inUse) {
    const [, host, port] = inUse;
    const which = Number(port) === Number(env.PODIUM_STUDIO_PORT?.trim() || DEFAULT_STUDIO_PORT) ? 'PODIUM_STUDIO_PORT' : 'PODIUM_PORT';
    return `port ${port} on ${host} is already in use (another Podium?): stop that, or choose another port with ${which}`;
  }
  return message;
}

async function main(): Promise<void> {
  // Checked before either studio starts (the desktop app checks again, with a dialog): one line, nothing started.
  const checked = startSettings(process.env);
  if ('error' in checked) {
    console.error(checked.error);
    process.exit(checked.exitCode);
  }
  const { settings } = checked;
  // A blank PODIUM_DATA_DIR means the default folder (as the settings read it), not a folder named by spaces.
  if (settings.dataDir === undefined) delete process.env.PODIUM_DATA_DIR;
  const dataDir = settings.dataDir ?? defaultDataDir();
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
    dataDir,
    assetsDir: rendererDir(root),
    version: (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version,
    spaceServerPort: settings.spaceServerPort,
    spaceServerHost: settings.spaceServerHost,
    publicUrl: settings.publicUrl,
    ...(settings.sfu ? { sfu: settings.sfu } : {}),
    studioPort: settings.studioPort,
    log,
  });
  console.log(
    [
      '',
      `  Podium web studio:  ${studio.host.url}`,
      `  Space server:       ${studio.services.info.spaceServerUrl}  (listener links point here)`,
      `  LiveKit:            ${studio.services.info.livekitUrl}`,
      `  Data:               ${dataDir}`,
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

// Imported (by the unit tests), nothing starts.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Whatever escapes a handler of the web studio or the embedded space server is logged, and both keep serving.
  installProcessGuard((line) => console.error(`  ! ${line}`));
  main().catch((error: unknown) => {
    console.error(`\n  Podium could not start: ${startFailure(error)}\n`);
    process.exit(1);
  });
}
