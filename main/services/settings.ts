// Studio settings (microphone and monitor output choices, host name, which LiveKit to use), stored by main as a validated JSON file.
// Secrets (a custom LiveKit API secret) live in the SecretStore, never in this file.
import path from 'node:path';
import { settingsSchema, type Settings } from '../../common/ipc';
import { readJsonOrSetAside, writeJsonAtomic } from './json-file';

export const DEFAULT_SETTINGS: Settings = { microphone: null, output: null, hostName: 'Host', livekit: { mode: 'embedded' }, processing: {} };

export interface SettingsService {
  get(): Settings;
  update(change: Partial<Settings>): Settings;
}

export function createSettingsService(dataDir: string, log: (line: string) => void): SettingsService {
  const file = path.join(dataDir, 'settings.json');
  const raw = readJsonOrSetAside(file, log);
  let current = DEFAULT_SETTINGS;
  if (raw !== undefined) {
    const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(raw as object) });
    if (parsed.success) current = parsed.data;
    else log(`settings.json did not match the expected shape; using defaults for now (${parsed.error.issues[0]?.message})`);
  }
  return {
    get: () => current,
    update(change) {
      const next = settingsSchema.parse({ ...current, ...change });
      writeJsonAtomic(file, next);
      current = next;
      return current;
    },
  };
}
