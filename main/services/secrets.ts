// Secrets (API secrets) kept apart from settings, in secrets.json (0600). Electron seals each value with a Cipher
// made from safeStorage (safeStorageCipher below); the web studio has no safeStorage and no cipher, and keeps
// them in plain text in that file, readable only by the user, which is as good as a plain Node process gets (and
// what README says). A cipher that cannot really protect a secret — Linux without a keyring, where Chromium's
// "basic_text" backend uses a key every copy of Chromium knows — is refused for new secrets unless the user
// allowed plain storage (PODIUM_ALLOW_PLAINTEXT_SECRETS=1): saving must not look safe when it is not.
import path from 'node:path';
import { z } from 'zod';
import { PodiumError } from '../../common/result';
import { readJsonOrSetAside, setAside, writeJsonAtomic } from './json-file';

export interface SecretStore {
  get(name: string): string | null;
  set(name: string, value: string | null): void;
  /**
   * Why set(name, value) would be refused (the message the user gets), or null. A copy of the store in another
   * process (the services process) asks the shell's store once and refuses the same way, so the user is told.
   */
  refusal?(name: string): string | null;
}

export interface Cipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** Where the key lives, for messages: 'gnome_libsecret', 'kwallet6', 'Keychain', 'DPAPI', 'basic_text'… */
  backend?: string;
  /** True when encrypt() protects nothing that the file's own permissions do not: storing needs consent. */
  weak?: boolean;
}

/** Setting this to 1 is the user's consent to keep secrets in plain text when no keyring can protect them. */
export const ALLOW_PLAINTEXT_ENV = 'PODIUM_ALLOW_PLAINTEXT_SECRETS';

export function allowPlaintextSecrets(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_PLAINTEXT_ENV] === '1';
}

/** The web studio's (and tests') cipher: none. Documented, and the same as a weak backend the user allowed. */
const plainCipher: Cipher = { encrypt: (s) => s, decrypt: (s) => s, backend: 'file' };

const label = (name: string): string => (name.startsWith('livekit.') ? 'the LiveKit API secret' : `the secret "${name}"`);

/** What the user is told when a secret is not stored: what happened, and each way forward. */
export function weakStorageMessage(cipher: Pick<Cipher, 'backend'>, name: string): string {
  const remedy =
    cipher.backend === 'basic_text'
      ? 'this system has no keyring Podium can use to encrypt it (Electron chose the "basic_text" store, whose key ' +
        'is built into every copy of Chromium), so it would sit on disk as readable as plain text. Install and unlock ' +
        'a keyring (GNOME Keyring or KWallet; on a desktop Electron does not recognise, start Podium with ' +
        '--password-store=gnome-libsecret), then save it again.'
      : `this system's secret storage${cipher.backend && cipher.backend !== 'none' ? ` (${cipher.backend})` : ''} is ` +
        'not available, so it could only be kept unencrypted. Unlock it (or sign in again), then save it again.';
  return (
    `Podium did not save ${label(name)}: ${remedy} Or, to keep it in plain text in secrets.json (readable only by ` +
    `your user), start Podium with ${ALLOW_PLAINTEXT_ENV}=1.`
  );
}

export function createSecretStore(
  dataDir: string,
  log: (line: string) => void,
  cipher: Cipher = plainCipher,
  allowWeak: boolean = allowPlaintextSecrets(),
): SecretStore {
  const file = path.join(dataDir, 'secrets.json');
  const parsed = z.record(z.string(), z.string()).safeParse(readJsonOrSetAside(file, log) ?? {});
  // A file of the wrong shape is kept aside, not overwritten by the next set(): the user may still need what it held.
  if (!parsed.success) setAside(file, log, 'did not hold secrets in the expected shape');
  const sealed: Record<string, string> = parsed.success ? parsed.data : {};
  let warned = false;
  const refusal = (name: string): string | null => (cipher.weak && !allowWeak ? weakStorageMessage(cipher, name) : null);
  return {
    refusal,
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
      // Forgetting a secret is always allowed; only keeping one needs a store that protects it.
      if (value !== null && cipher.weak) {
        const refused = refusal(name);
        if (refused) throw new PodiumError('unavailable', refused);
        if (!warned) log(`${ALLOW_PLAINTEXT_ENV}=1: secrets are kept without a keyring (store: ${cipher.backend ?? 'none'})`);
        warned = true;
      }
      if (value === null) delete sealed[name];
      else sealed[name] = cipher.encrypt(value);
      writeJsonAtomic(file, sealed, 0o600);
    },
  };
}

/** The part of Electron's safeStorage this needs; structural, so this module stays free of Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown' (before ready). */
  getSelectedStorageBackend?(): string;
}

const NAMED_BACKEND: Partial<Record<NodeJS.Platform, string>> = { darwin: 'Keychain', win32: 'DPAPI' };

/**
 * Electron's cipher. Call after app 'ready' (before it, Linux answers 'unknown' and nothing is available).
 * basic_text is weak whatever isEncryptionAvailable() says (setUsePlainTextEncryption(true) makes it say yes); an
 * unavailable store is weak too, and then values are kept as they are (what consent to plain storage means).
 */
export function safeStorageCipher(storage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Cipher {
  const backend = platform === 'linux' ? (storage.getSelectedStorageBackend?.() ?? 'unknown') : (NAMED_BACKEND[platform] ?? platform);
  if (!storage.isEncryptionAvailable()) return { ...plainCipher, backend: backend === 'unknown' ? 'none' : backend, weak: true };
  return {
    encrypt: (plain) => storage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => storage.decryptString(Buffer.from(sealed, 'base64')),
    backend,
    weak: backend === 'basic_text' || backend === 'unknown',
  };
}
