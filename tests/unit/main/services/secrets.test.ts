// Secrets and the strength of what seals them: a store that cannot protect a secret (Linux's basic_text, an
// unavailable keyring) refuses to keep one and says why and what to do, unless plain storage was allowed; the web
// studio's plain 0600 file stays as it was; Electron's safeStorage is read as its backend deserves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../../../common/ipc';
import { PodiumError, type Result } from '../../../../common/result';
import { dispatch } from '../../../../main/ipc/dispatch';
import {
  ALLOW_PLAINTEXT_ENV,
  allowPlaintextSecrets,
  createSecretStore,
  safeStorageCipher,
  weakStorageMessage,
  type Cipher,
  type SafeStorageLike,
} from '../../../../main/services/secrets';
import { EMBEDDED_KEY_NAME, EMBEDDED_SECRET_NAME, LIVEKIT_SECRET_NAME, startStudioServices } from '../../../../main/services/studio';

let dir: string;
const quiet = (): void => {};
const secretsFile = (): string => path.join(dir, 'secrets.json');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-secrets-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Chromium's basic_text: "encrypted" under a key every copy of Chromium holds; here a reversible marker. */
const basicText: Cipher = { encrypt: (s) => `v10:${s}`, decrypt: (s) => s.replace(/^v10:/, ''), backend: 'basic_text', weak: true };

function refusal(fn: () => void): PodiumError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PodiumError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a weak store', () => {
  it('refuses to keep the LiveKit secret, writes nothing, and tells the user what happened and what to do', () => {
    const store = createSecretStore(dir, quiet, basicText, false);
    const error = refusal(() => store.set(LIVEKIT_SECRET_NAME, 'S3CRET-value'));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/did not save the LiveKit API secret/);
    expect(error.message).toMatch(/no keyring/);
    expect(error.message).toMatch(/basic_text/);
    expect(error.message).toMatch(/GNOME Keyring or KWallet/);
    expect(error.message).toContain(`${ALLOW_PLAINTEXT_ENV}=1`);
    expect(fs.existsSync(secretsFile())).toBe(false);
    expect(store.get(LIVEKIT_SECRET_NAME)).toBeNull();
    // The same words for a copy of the store in another process to refuse with.
    expect(store.refusal?.(LIVEKIT_SECRET_NAME)).toBe(error.message);
    expect(createSecretStore(dir, quiet, basicText, true).refusal?.(LIVEKIT_SECRET_NAME)).toBeNull();
    expect(createSecretStore(dir, quiet, undefined, false).refusal?.(LIVEKIT_SECRET_NAME)).toBeNull();
  });

  it('still forgets a secret, and still reads one kept before', () => {
    fs.writeFileSync(secretsFile(), JSON.stringify({ [LIVEKIT_SECRET_NAME]: 'v10:old-value', other: 'v10:x' }), { mode: 0o600 });
    const store = createSecretStore(dir, quiet, basicText, false);
    expect(store.get(LIVEKIT_SECRET_NAME)).toBe('old-value');
    store.set(LIVEKIT_SECRET_NAME, null);
    expect(JSON.parse(fs.readFileSync(secretsFile(), 'utf8'))).toEqual({ other: 'v10:x' });
  });

  it('keeps secrets once plain storage is allowed, 0600, and says so in the log once', () => {
    const log = vi.fn();
    const store = createSecretStore(dir, log, basicText, true);
    store.set(LIVEKIT_SECRET_NAME, 'S3CRET-value');
    store.set('other', 'x');
    expect(createSecretStore(dir, quiet, basicText, true).get(LIVEKIT_SECRET_NAME)).toBe('S3CRET-value');
    expect(fs.statSync(secretsFile()).mode & 0o777).toBe(0o600);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`${ALLOW_PLAINTEXT_ENV}=1`));
  });

  it('takes consent from PODIUM_ALLOW_PLAINTEXT_SECRETS=1 only', () => {
    expect(allowPlaintextSecrets({ [ALLOW_PLAINTEXT_ENV]: '1' })).toBe(true);
    for (const value of [undefined, '', '0', 'true', 'yes']) expect(allowPlaintextSecrets({ [ALLOW_PLAINTEXT_ENV]: value })).toBe(false);
  });

  it('an unavailable store is told apart from a missing keyring', () => {
    const message = weakStorageMessage({ ...basicText, backend: 'Keychain' }, LIVEKIT_SECRET_NAME);
    expect(message).toMatch(/secret storage \(Keychain\) is not available/);
    expect(message).not.toMatch(/basic_text/);
    expect(message).toContain(`${ALLOW_PLAINTEXT_ENV}=1`);
  });
});

describe('the web studio (no cipher)', () => {
  it('keeps secrets in plain text in a 0600 file, as documented, with no consent needed', () => {
    const store = createSecretStore(dir, quiet, undefined, false);
    store.set(LIVEKIT_SECRET_NAME, 'S3CRET-value');
    expect(JSON.parse(fs.readFileSync(secretsFile(), 'utf8'))).toEqual({ [LIVEKIT_SECRET_NAME]: 'S3CRET-value' });
    expect(fs.statSync(secretsFile()).mode & 0o777).toBe(0o600);
  });
});

describe('safeStorageCipher', () => {
  function fakeSafeStorage(available: boolean, backend?: string): SafeStorageLike {
    return {
      isEncryptionAvailable: () => available,
      encryptString: (plain) => Buffer.from(`sealed:${plain}`),
      decryptString: (sealed) => sealed.toString().replace(/^sealed:/, ''),
      ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
    };
  }

  it.each(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])('Linux with %s: strong, sealed with safeStorage', (backend) => {
    const cipher = safeStorageCipher(fakeSafeStorage(true, backend), 'linux');
    expect(cipher).toMatchObject({ backend, weak: false });
    const sealed = cipher.encrypt('S3CRET');
    expect(sealed).toBe(Buffer.from('sealed:S3CRET').toString('base64'));
    expect(cipher.decrypt(sealed)).toBe('S3CRET');
  });

  it('Linux with basic_text is weak, whether or not setUsePlainTextEncryption made encryption "available"', () => {
    expect(safeStorageCipher(fakeSafeStorage(false, 'basic_text'), 'linux')).toMatchObject({ backend: 'basic_text', weak: true });
    expect(safeStorageCipher(fakeSafeStorage(true, 'basic_text'), 'linux')).toMatchObject({ backend: 'basic_text', weak: true });
  });

  it('Linux before app ready ("unknown") is weak', () => {
    expect(safeStorageCipher(fakeSafeStorage(true, 'unknown'), 'linux').weak).toBe(true);
    expect(safeStorageCipher(fakeSafeStorage(false, 'unknown'), 'linux')).toMatchObject({ backend: 'none', weak: true });
  });

  it('macOS and Windows: strong when available, weak when not', () => {
    expect(safeStorageCipher(fakeSafeStorage(true), 'darwin')).toMatchObject({ backend: 'Keychain', weak: false });
    expect(safeStorageCipher(fakeSafeStorage(true), 'win32')).toMatchObject({ backend: 'DPAPI', weak: false });
    expect(safeStorageCipher(fakeSafeStorage(false), 'darwin')).toMatchObject({ backend: 'Keychain', weak: true });
  });

  it('a weak cipher refuses through the store; a strong one keeps only the sealed value', () => {
    const weak = createSecretStore(dir, quiet, safeStorageCipher(fakeSafeStorage(false, 'basic_text'), 'linux'), false);
    expect(refusal(() => weak.set(LIVEKIT_SECRET_NAME, 'S3CRET')).message).toMatch(/basic_text/);
    const strong = createSecretStore(dir, quiet, safeStorageCipher(fakeSafeStorage(true, 'gnome_libsecret'), 'linux'), false);
    strong.set(LIVEKIT_SECRET_NAME, 'S3CRET');
    expect(fs.readFileSync(secretsFile(), 'utf8')).not.toContain('S3CRET');
    expect(strong.get(LIVEKIT_SECRET_NAME)).toBe('S3CRET');
  });
});

describe('the studio on a weak store', () => {
  it('runs the embedded LiveKit with a pair for this run only, and refuses a custom LiveKit secret with the message', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(path.join(dir, 'renderer', 'listener'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'renderer', 'listener', 'index.html'), '<!doctype html>');
    const startEmbeddedLivekit = vi.fn(async (opts: { apiKey: string; apiSecret: string }) => ({
      url: 'ws://127.0.0.1:1',
      apiKey: opts.apiKey,
      apiSecret: opts.apiSecret,
      stop: async () => {},
    }));
    const log = vi.fn();
    const studio = await startStudioServices({
      dataDir,
      assetsDir: path.join(dir, 'renderer'),
      shell: 'electron',
      version: 'test',
      startEmbeddedLivekit,
      cipher: basicText,
      log,
    });
    try {
      expect(startEmbeddedLivekit.mock.calls[0]![0].apiSecret.length).toBeGreaterThanOrEqual(32);
      expect(log).toHaveBeenCalledWith(expect.stringContaining('new key pair at each start'));
      const kept = createSecretStore(dataDir, quiet, basicText, true);
      expect([kept.get(EMBEDDED_KEY_NAME), kept.get(EMBEDDED_SECRET_NAME)]).toEqual([null, null]);

      const result: Result<unknown> = await dispatch(studio.handlers, 'settings:setLivekit', {
        mode: 'custom',
        url: 'wss://lk.example.com',
        apiKey: 'APIcustom',
        apiSecret: 'custom-secret-value',
      });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('unavailable');
        expect(result.error.message).toMatch(/did not save the LiveKit API secret.*basic_text/s);
      }
      const settings = await dispatch(studio.handlers, 'settings:get', undefined);
      expect(settings.ok && (settings.value as Settings).livekit).toEqual({ mode: 'embedded' });
    } finally {
      await studio.close();
    }
  });
});
