// The package configuration, read the way electron-builder reads it (its own loader and schema), checked setting
// by setting: targets, podium:// links (down to the Linux .desktop line), what ships (out/, the livekit-server
// binary where the runtime looks for it), the native rebuild for Electron's ABI, and Electron's fuses as
// electron-builder will flip them. Nothing is packaged here: that needs Electron's binary (see README).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { PlatformPackager, type Configuration, type LinuxPackager } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVEKIT_VERSION, binaryName, packagedBinaryPath } from '../../server/livekit/runtime';
import { packageStageDir } from '../../scripts/livekit';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  description: string;
  desktopName?: string;
};

interface BeforePackHook {
  default(context: unknown): Promise<void>;
  livekitSource(config: Configuration, projectDir: string, os: string, arch: string): string;
}

let config: Configuration;

beforeAll(async () => {
  config = await getConfig(ROOT, null, null);
  // The same schema check electron-builder runs before a build: an unknown or misspelt key fails here.
  await validateConfiguration(config, new DebugLogger(false));
});

const targetsOf = (options: { target?: unknown } | null | undefined): unknown[] => [options?.target ?? []].flat();

describe('electron-builder.yml', () => {
  it('builds AppImage and deb for Linux, dmg for macOS, NSIS for Windows', () => {
    expect(targetsOf(config.linux)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targetsOf(config.mac)).toEqual(['dmg']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
  });

  it('registers podium:// links, and the Linux .desktop file says so (MimeType)', async () => {
    expect([config.protocols].flat()).toContainEqual(expect.objectContaining({ schemes: ['podium'] }));
    // electron-builder's own desktop-entry writer (deb and AppImage), given this config.
    const packager = {
      appInfo: { productName: config.productName, sanitizedProductName: config.productName, description: pkg.description },
      executableName: config.linux?.executableName,
      info: { metadata: { desktopName: pkg.desktopName } },
      fileAssociations: [],
      config,
      platformSpecificBuildOptions: config.linux,
    } as unknown as LinuxPackager;
    const entry = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux!);
    expect(entry.split('\n')).toContain('MimeType=x-scheme-handler/podium;');
    expect(entry).toMatch(/^Exec=.*podium %U$/m);
  });

  it('ships the electron-vite build and package.json, from inside an asar archive', () => {
    // getConfig has already normalised `files` into file sets ({ filter: [...] }).
    const patterns = [config.files ?? []].flat().flatMap((set) => (typeof set === 'string' ? [set] : [set?.filter ?? []].flat()));
    expect(patterns).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(pkg.main).toMatch(/^out\//);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('ships the pinned livekit-server for each <os>-<arch> where the runtime looks for it', () => {
    const entries = [config.extraResources ?? []].flat();
    expect(entries).toContainEqual({
      from: `.cache/livekit/v${LIVEKIT_VERSION}/\${os}-\${arch}`,
      to: 'livekit',
      filter: ['livekit-server', 'livekit-server.exe'],
    });
    // The runtime (server/livekit/runtime.ts) looks in <resources>/livekit/<binaryName>.
    expect(packagedBinaryPath('/R', 'linux')).toBe(path.join('/R', 'livekit', binaryName('linux')));
    expect(packagedBinaryPath('/R', 'win32')).toBe(path.join('/R', 'livekit', 'livekit-server.exe'));
  });

  it('refuses to package a target whose livekit-server is missing, and names the command that stages it', async () => {
    expect(config.beforePack).toBe('build/before-pack.mjs');
    const hook = (await import(path.join(ROOT, 'build', 'before-pack.mjs'))) as BeforePackHook;
    // The hook and the staging script agree on where the binary goes.
    expect(hook.livekitSource(config, ROOT, 'linux', 'x64')).toBe(path.join(packageStageDir('linux-x64'), 'livekit-server'));
    expect(hook.livekitSource(config, ROOT, 'win', 'arm64')).toBe(path.join(packageStageDir('win-arm64'), 'livekit-server.exe'));

    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-pack-'));
    try {
      const context = (arch: number) => ({ arch, packager: { config, projectDir: project, platform: { buildConfigurationKey: 'mac' } } });
      await expect(hook.default(context(3))).rejects.toThrow(/No livekit-server for mac-arm64.*\n.*--target mac-arm64/);
      const staged = path.join(project, '.cache', 'livekit', `v${LIVEKIT_VERSION}`, 'mac-arm64');
      fs.mkdirSync(staged, { recursive: true });
      fs.writeFileSync(path.join(staged, 'livekit-server'), '');
      await expect(hook.default(context(3))).resolves.toBeUndefined();
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("rebuilds better-sqlite3 for Electron's ABI: npmRebuild with @electron/rebuild, prebuilt binaries first", () => {
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    expect(config.npmRebuild).toBe(true);
    expect(config.nativeRebuilder).toBe('sequential');
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(pkg.devDependencies.electron).toBeDefined();
  });

  it('flips exactly the fuses asked for, as electron-builder hands them to @electron/fuses', async () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(f: unknown): Promise<Record<string, unknown>> }).generateFuseConfig;
    const fuses = await generate.call({}, config.electronFuses);
    expect(fuses).toEqual({
      version: FuseVersion.V1,
      resetAdHocDarwinSignature: undefined,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });

  it('macOS: hardened runtime with microphone access, and a reason shown when it is asked for', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    const entitlements = fs.readFileSync(path.join(ROOT, config.mac!.entitlements!), 'utf8');
    expect(entitlements).toMatch(/<key>com\.apple\.security\.device\.audio-input<\/key>\s*<true\/>/);
    expect(config.mac?.extendInfo).toMatchObject({ NSMicrophoneUsageDescription: expect.stringMatching(/microphone/) });
  });
});
