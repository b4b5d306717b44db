// Secrets (API secrets) kept apart from settings. Electron passes an encrypt/decrypt pair from safeStorage; the web
// studio keeps them in a file readable only by the user (0600), which is as good as a plain Node process gets.
import path from 'node:path';
import { z } from 'zod';
import { readJsonOrSetAside, setAside, writeJsonAtomic } from './json-file';

export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string | null): void;
}

export interface Cipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

const plainCipher: Cipher = { encrypt: (s) => s, decrypt: (s) => s };

export function createSecretStore(dataDir: string, log: (line: string) => void, cipher: Cipher = plainCipher): SecretStore {
  const file = path.join(dataDir, 'secrets.json');
  const parsed = z.record(z.string(), z.string()).safeParse(readJsonOrSetAside(file, log) ?? {});
  // A file of the wrong shape is kept aside, not overwritten by the next set(): the user may still need what it held.
  if (!parsed.success) setAside(file, log, 'did not hold secrets in the expected shape');
  const sealed: Record<string, string> = parsed.success ? parsed.data : {};
  return {
    get(name) {
      const value = sealed[name];
      if (value === undefined) return null;
      try {
        return cipher.decrypt(value);
      } catch {
        log(`secret ${name} could not be decrypted on this machine; enter it again`);
        return null;
      }
    },
    set(name, value) {
      if (value === null) delete sealed[name];
      else sealed[name] = cipher.encrypt(value);
      writeJsonAtomic(file, sealed, 0o600);
    },
  };
}
