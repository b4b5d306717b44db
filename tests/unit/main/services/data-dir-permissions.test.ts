// The studio's data folder holds settings and secrets next to the database: when the studio creates it, it is 0700,
// and the JSON files in it 0600, whatever the umask.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../../../main/services/json-file';
import { createSettingsService } from '../../../../main/services/settings';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

let tmp: string;
let previousUmask: number;

beforeEach(() => {
  previousUmask = process.umask(0o022);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-data-perms-'));
});

afterEach(() => {
  process.umask(previousUmask);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('data folder permissions', () => {
  it('settings create the data folder (and missing parents) 0700 and settings.json 0600', () => {
    const dataDir = path.join(tmp, 'config', 'podium');
    createSettingsService(dataDir, () => {}).update({ hostName: 'Ada' });
    expect(mode(path.join(tmp, 'config'))).toBe(0o700);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'settings.json'))).toBe(0o600);
  });

  it('a permissive umask does not loosen them', () => {
    process.umask(0);
    const file = path.join(tmp, 'data', 'x.json');
    writeJsonAtomic(file, { a: 1 });
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('leaves a folder that already existed as its owner set it', () => {
    fs.chmodSync(tmp, 0o750);
    writeJsonAtomic(path.join(tmp, 'x.json'), { a: 1 });
    expect(mode(tmp)).toBe(0o750);
  });
});
