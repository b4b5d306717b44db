// The database holds bans, names and host-key hashes: other local users must not be able to read it. A fresh data
// folder is 0700 and podium.sqlite with its -wal and -shm files 0600, under the common umask 022.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../server/store/db';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

let tmp: string;
let previousUmask: number;
let db: Db | undefined;

beforeEach(() => {
  previousUmask = process.umask(0o022);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-db-perms-'));
});

afterEach(() => {
  db?.close();
  db = undefined;
  process.umask(previousUmask);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(database: Db): void {
  database.exec('CREATE TABLE IF NOT EXISTS probe (x TEXT)');
  database.prepare('INSERT INTO probe (x) VALUES (?)').run('a banned name');
}

describe('database file permissions', () => {
  it('creates the data folder 0700 (parents too) and the database, -wal and -shm 0600', () => {
    const dir = path.join(tmp, 'data', 'podium');
    const file = path.join(dir, 'podium.sqlite');
    db = openDatabase(file);
    write(db);
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    expect(fs.existsSync(`${file}-shm`)).toBe(true);
    expect(mode(path.join(tmp, 'data'))).toBe(0o700);
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
  });

  it('tightens an existing world-readable database and its journal files, but leaves a folder it did not make', () => {
    fs.chmodSync(tmp, 0o755);
    const file = path.join(tmp, 'podium.sqlite');
    const first = openDatabase(file);
    write(first);
    // An earlier Podium's files, as it left them.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(f, 0o644);
    db = openDatabase(file);
    write(db);
    first.close();
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    expect(mode(tmp)).toBe(0o755);
  });

  it('keeps the modes with a permissive umask', () => {
    process.umask(0);
    const file = path.join(tmp, 'fresh', 'podium.sqlite');
    db = openDatabase(file);
    write(db);
    expect(mode(path.dirname(file))).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
  });
});
