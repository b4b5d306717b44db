// Shipped code has no path to `go`: no file under main/, server/, renderer/, common/ or preload/ imports scripts/
// (where scripts/livekit.ts may run `go install`), and everything the runtime LiveKit module and the launchers
// reach, import by import, never spawns `go`. Read statically, so nothing is built or run; the ESLint rule that
// guards the same line while editing is exercised too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRODUCTION_DIRS = ['main', 'server', 'renderer', 'common', 'preload'];
const SCRIPTS_DIR = path.join(ROOT, 'scripts') + path.sep;
const ENTRY_POINTS = ['server/livekit/runtime.ts', 'main/start.ts', 'server/cli.ts', 'main/services/studio.ts', 'main/web/run.ts'];
/** Starting `go`: any call whose first argument is the string 'go' (spawn, execFile, a helper), or a `go install` line. */
const SPAWNS_GO = /\(\s*(['"`])go\1\s*[,)]|(['"`])go (?:install|build|run|env)\b/;

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every module specifier in a file: static imports and re-exports, side-effect imports, import() and require(). */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** The file a relative specifier names, as the bundler resolves it; null for packages and node: built-ins. */
function resolveRelative(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, base.replace(/\.js$/, '.ts'), path.join(base, 'index.ts')];
  return candidates.find((file) => fs.existsSync(file) && fs.statSync(file).isFile()) ?? base;
}

function importsOf(file: string): string[] {
  return specifiers(fs.readFileSync(file, 'utf8'))
    .map((spec) => resolveRelative(file, spec))
    .filter((target): target is string => target !== null);
}

/** Every file reachable from `entry` through relative imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path.join(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.startsWith(SCRIPTS_DIR) || !fs.existsSync(file)) continue;
    queue.push(...importsOf(file));
  }
  return seen;
}

describe('production code and scripts/', () => {
  it('no file under main/, server/, renderer/, common/ or preload/ imports scripts/', () => {
    const offenders = PRODUCTION_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir)))
      .flatMap((file) => importsOf(file).filter((target) => target.startsWith(SCRIPTS_DIR)).map((target) => `${rel(file)} → ${rel(target)}`));
    expect(offenders).toEqual([]);
  });

  it.each(ENTRY_POINTS)('nothing %s reaches imports scripts/ or spawns go', (entry) => {
    const reached = [...closure(entry)];
    expect(reached).toContain(path.join(ROOT, entry));
    expect(reached.filter((file) => file.startsWith(SCRIPTS_DIR)).map(rel)).toEqual([]);
    const spawning = reached.filter((file) => fs.existsSync(file) && SPAWNS_GO.test(fs.readFileSync(file, 'utf8')));
    expect(spawning.map(rel)).toEqual([]);
  });

  it('the checks above can see what they look for', () => {
    // Without this, a regex that matches nothing would pass every test above.
    expect(SPAWNS_GO.test(fs.readFileSync(path.join(ROOT, 'scripts', 'livekit.ts'), 'utf8'))).toBe(true);
    expect(specifiers(`import a from './x';\nexport { b } from "../y";\nimport './z';\nawait import('./w');`)).toEqual(['./x', '../y', './z', './w']);
    const probe = path.join(ROOT, 'tests', 'unit', 'probe.ts');
    expect(closure('tests/support/stack.ts').has(path.join(ROOT, 'scripts', 'livekit.ts'))).toBe(true);
    expect(resolveRelative(probe, '../../scripts/livekit')).toBe(path.join(ROOT, 'scripts', 'livekit.ts'));
  });

  it('ESLint refuses an import of scripts/ in every production folder, and allows it in tests', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const probe = (dir: string): string => `import { startLivekit } from '${'../'.repeat(dir.split('/').length)}scripts/livekit';\nexport const s = startLivekit;\n`;
    for (const dir of ['main', 'main/services', 'main/web', 'server', 'server/livekit', 'renderer/studio', 'renderer/sfu', 'common', 'preload']) {
      const [result] = await eslint.lintText(probe(dir), { filePath: path.join(ROOT, dir, 'boundary-probe.ts') });
      expect(result!.messages.map((m) => m.message), dir).toContainEqual(expect.stringContaining('scripts/ is for development and CI only'));
    }
    const [inTests] = await eslint.lintText(probe('tests/support'), { filePath: path.join(ROOT, 'tests', 'support', 'boundary-probe.ts') });
    expect(inTests!.messages).toEqual([]);
  });
});

describe('the SFU SDKs stay behind their adapters', () => {
  it('mediasoup only in server/sfu/mediasoup, mediasoup-client only in renderer/sfu', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const refused = async (pkg: string, dir: string): Promise<boolean> => {
      const [result] = await eslint.lintText(`import { version } from '${pkg}';\nexport const v = version;\n`, { filePath: path.join(ROOT, dir, 'boundary-probe.ts') });
      return result!.messages.some((m) => m.message.includes(`${pkg} may not be imported here`));
    };
    for (const dir of ['server', 'server/livekit', 'server/store', 'renderer/studio', 'renderer/sfu', 'common', 'main/services', 'preload']) {
      expect(await refused('mediasoup', dir), `mediasoup in ${dir}`).toBe(true);
    }
    expect(await refused('mediasoup', 'server/sfu/mediasoup')).toBe(false);
    for (const dir of ['server', 'server/sfu/mediasoup', 'renderer/studio', 'renderer/listener', 'common', 'main/services', 'preload']) {
      expect(await refused('mediasoup-client', dir), `mediasoup-client in ${dir}`).toBe(true);
    }
    expect(await refused('mediasoup-client', 'renderer/sfu')).toBe(false);
  });
});
