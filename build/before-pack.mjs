// electron-builder's beforePack hook (electron-builder.yml): stops a package build that would ship without the
// livekit-server binary for its target. electron-builder itself only warns when an extraResources source is
// missing, and the package would then install, start, and fail at the first space.
import { existsSync } from 'node:fs';
import path from 'node:path';

// electron-builder's Arch enum (builder-util), by number.
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The folder and file the livekit extraResource takes for this target: the config's own `from`, macros filled in. */
export function livekitSource(config, projectDir, os, arch) {
  const entries = [config.extraResources ?? []].flat();
  const entry = entries.find((e) => typeof e === 'object' && e !== null && e.to === 'livekit');
  if (!entry) throw new Error('electron-builder.yml has no extraResources entry with `to: livekit`; the package would have no SFU.');
  const dir = path.resolve(projectDir, entry.from.replaceAll('${os}', os).replaceAll('${arch}', arch));
  return path.join(dir, os === 'win' ? 'livekit-server.exe' : 'livekit-server');
}

export default async function beforePack(context) {
  const os = context.packager.platform.buildConfigurationKey;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const binary = livekitSource(context.packager.config, context.packager.projectDir, os, arch);
  if (!existsSync(binary)) {
    throw new Error(
      `No livekit-server for ${os}-${arch} at ${binary}, so this package would have no SFU.\n` +
        `Stage it first: npm run livekit -- --build-only --target ${os}-${arch}   (builds it with Go; cross-compiles)`,
    );
  }
}
