// Studio settings and secrets on disk: defaults, persistence, damaged files kept aside, secrets apart and private.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecretStore, type Cipher } from '../../../../main/services/secrets';
import { createSettingsService, DEFAULT_SETTINGS } from '../../../../main/services/settings';

let dir: string;
const quiet = () => {};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-settings-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const settingsFile = () => path.join(dir, 'settings.json');
const secretsFile = () => path.join(dir, 'secrets.json');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('settings', () => {
  it('starts from defaults when there is no file, and writes nothing until changed', () => {
    expect(createSettingsService(dir, quiet).get()).toEqual(DEFAULT_SETTINGS);
    expect(fs.existsSync(settingsFile())).toBe(false);
  });

  it('persists an update: a new service instance reads it back', () => {
    const first = createSettingsService(dir, quiet);
    first.update({ hostName: 'Ann', microphone: { deviceId: 'mic-1', label: 'USB mic' } });
    const second = createSettingsService(dir, quiet);
    expect(second.get()).toEqual({ ...DEFAULT_SETTINGS, hostName: 'Ann', microphone: { deviceId: 'mic-1', label: 'USB mic' } });
    expect(readJson(settingsFile())).toEqual(second.get());
  });

  it('refuses an invalid update and keeps both memory and file as they were', () => {
    const service = createSettingsService(dir, quiet);
    service.update({ hostName: 'Ann' });
    expect(() => service.update({ hostName: '   ' })).toThrow();
    expect(service.get().hostName).toBe('Ann');
    expect(createSettingsService(dir, quiet).get().hostName).toBe('Ann');
  });

  it('reads a settings file from before the monitor output existed: the system default', () => {
    fs.writeFileSync(settingsFile(), JSON.stringify({ microphone: null, hostName: 'Ann', livekit: { mode: 'embedded' }, processing: {} }));
    const service = createSettingsService(dir, quiet);
    expect(service.get().hostName).toBe('Ann');
    expect(service.get().output ?? null).toBeNull();
    expect(service.update({ output: { deviceId: 'h1', label: 'Headphones' } }).output).toEqual({ deviceId: 'h1', label: 'Headphones' });
    expect(createSettingsService(dir, quiet).get().output).toEqual({ deviceId: 'h1', label: 'Headphones' });
  });

  it('leaves no temporary files behind after writing', () => {
    const service = createSettingsService(dir, quiet);
    service.update({ hostName: 'A' });
    service.update({ hostName: 'B' });
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });

  it('moves a corrupt file aside (content kept), uses defaults, and says so in the log', () => {
    fs.writeFileSync(settingsFile(), '{"hostName": "Ann", oops');
    const log = vi.fn();
    const service = createSettingsService(dir, log);
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
    const aside = fs.readdirSync(dir).filter((f) => /^settings\.json\.corrupt-\d+$/.test(f));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toBe('{"hostName": "Ann", oops');
    expect(fs.existsSync(settingsFile())).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(aside[0]!));
    // The next change writes a fresh file and does not touch the kept copy.
    service.update({ hostName: 'Bo' });
    expect(createSettingsService(dir, quiet).get().hostName).toBe('Bo');
    expect(fs.existsSync(path.join(dir, aside[0]!))).toBe(true);
  });

  it.each([
    ['a wrong type', { hostName: 42 }],
    ['an unknown LiveKit mode', { livekit: { mode: 'cloud' } }],
    ['a custom LiveKit with an http URL', { livekit: { mode: 'custom', url: 'http://x', apiKey: 'k' } }],
    ['a microphone string', { microphone: 'default' }],
  ])('falls back to defaults for a file with %s, and logs it', (_label, content) => {
    fs.writeFileSync(settingsFile(), JSON.stringify(content));
    const log = vi.fn();
    expect(createSettingsService(dir, log).get()).toEqual(DEFAULT_SETTINGS);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/settings\.json.*defaults/));
  });

  it.each([['null'], ['[]'], ['"text"'], ['7']])('falls back to defaults for a file holding %s', (content) => {
    fs.writeFileSync(settingsFile(), content);
    expect(createSettingsService(dir, quiet).get()).toEqual(DEFAULT_SETTINGS);
  });

  it('fills missing fields of an older file from defaults', () => {
    fs.writeFileSync(settingsFile(), JSON.stringify({ hostName: 'Ann' }));
    expect(createSettingsService(dir, quiet).get()).toEqual({ ...DEFAULT_SETTINGS, hostName: 'Ann' });
  });
});

describe('secrets', () => {
  it('stores secrets in secrets.json readable only by the user (0600)', () => {
    createSecretStore(dir, quiet).set('livekit.apiSecret', 'S3CRET-value');
    expect(fs.statSync(secretsFile()).mode & 0o777).toBe(0o600);
    expect(createSecretStore(dir, quiet).get('livekit.apiSecret')).toBe('S3CRET-value');
  });

  it('keeps 0600 after a rewrite of a file that had looser permissions', () => {
    const store = createSecretStore(dir, quiet);
    store.set('a', '1');
    fs.chmodSync(secretsFile(), 0o644);
    store.set('b', '2');
    expect(fs.statSync(secretsFile()).mode & 0o777).toBe(0o600);
  });

  it('keeps secrets and settings in separate files, neither leaking into the other', () => {
    const settings = createSettingsService(dir, quiet);
    const secrets = createSecretStore(dir, quiet);
    secrets.set('livekit.apiSecret', 'S3CRET-value');
    settings.update({ hostName: 'Ann', livekit: { mode: 'custom', url: 'wss://lk.example.com', apiKey: 'APIxyz' } });
    const settingsText = fs.readFileSync(settingsFile(), 'utf8');
    const secretsText = fs.readFileSync(secretsFile(), 'utf8');
    expect(settingsText).not.toContain('S3CRET-value');
    expect(readJson(secretsFile())).toEqual({ 'livekit.apiSecret': 'S3CRET-value' });
    for (const setting of ['Ann', 'wss://lk.example.com', 'APIxyz', 'hostName']) expect(secretsText).not.toContain(setting);
  });

  it('removes a secret when set to null', () => {
    const store = createSecretStore(dir, quiet);
    store.set('x', 'one');
    store.set('x', null);
    expect(store.get('x')).toBeNull();
    expect(readJson(secretsFile())).toEqual({});
  });

  it('applies the cipher: the file holds only the sealed value, and get() unseals it', () => {
    const cipher: Cipher = {
      encrypt: (plain) => 'sealed:' + Buffer.from(plain).toString('base64'),
      decrypt: (sealed) => {
        if (!sealed.startsWith('sealed:')) throw new Error('not sealed');
        return Buffer.from(sealed.slice(7), 'base64').toString('utf8');
      },
    };
    createSecretStore(dir, quiet, cipher).set('livekit.apiSecret', 'S3CRET-value');
    const stored = readJson(secretsFile()) as Record<string, string>;
    expect(stored['livekit.apiSecret']).not.toBe('S3CRET-value');
    expect(fs.readFileSync(secretsFile(), 'utf8')).not.toContain('S3CRET-value');
    expect(createSecretStore(dir, quiet, cipher).get('livekit.apiSecret')).toBe('S3CRET-value');
  });

  it('answers null (and logs) for a secret that cannot be decrypted on this machine', () => {
    fs.writeFileSync(secretsFile(), JSON.stringify({ 'livekit.apiSecret': 'garbage' }));
    const log = vi.fn();
    const cipher: Cipher = {
      encrypt: (s) => s,
      decrypt: () => {
        throw new Error('bad key');
      },
    };
    expect(createSecretStore(dir, log, cipher).get('livekit.apiSecret')).toBeNull();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('livekit.apiSecret'));
  });

  it('moves a corrupt secrets file aside and starts empty', () => {
    fs.writeFileSync(secretsFile(), 'not json');
    const store = createSecretStore(dir, quiet);
    expect(store.get('livekit.apiSecret')).toBeNull();
    expect(fs.readdirSync(dir).some((f) => /^secrets\.json\.corrupt-\d+$/.test(f))).toBe(true);
  });
});

describe('secrets file of the wrong shape', () => {
  it('is kept aside rather than overwritten by the next secret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-secrets-shape-'));
    try {
      fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ nested: { apiSecret: 'precious' } }));
      const lines: string[] = [];
      const store = createSecretStore(dir, (l) => lines.push(l));
      store.set('livekit.apiSecret', 'new');
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('secrets.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, aside[0]!), 'utf8')).toContain('precious');
      expect(lines.join('\n')).toContain('secrets.json');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
