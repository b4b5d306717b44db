// The only module that opens SQLite: WAL journal, foreign keys on, and every pending migration applied at once.
// The database holds bans, names and host-key hashes, so it is private to its user: folder 0700, files 0600.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Makes the folder (0700 if this call creates it; a folder that already exists, such as /tmp, is left alone) and
 * the database file itself, 0600 whatever the umask. SQLite gives the -wal and -shm files it creates later the
 * main file's mode, so they are private too.
 */
function preparePrivateFile(file: string): void {
  const dir = path.dirname(file);
  const created = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  // mkdir's mode passes through the umask, and every folder it made (not only the last) gets it.
  if (created !== undefined) {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      fs.chmodSync(d, PRIVATE_DIR);
      if (d === path.resolve(created) || path.dirname(d) === d) break;
    }
  }
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
  fs.chmodSync(file, PRIVATE_FILE);
}

/** An earlier Podium may have left its journal files world-readable; they are as private as the database. */
function privatiseJournal(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) {
    try {
      fs.chmodSync(file + suffix, PRIVATE_FILE);
    } catch {
      // Not there: nothing to fix.
    }
  }
}

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk) preparePrivateFile(file);
  const db = new Database(file);
  try {
    // Refuse a newer schema before touching the file's journal mode.
    migrate(db, migrations);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed write when the process dies (kill -9, a crash): only a power cut may
    // take the last ones. It spares an fsync per write, which members' standing, written as it changes, needs.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 2000');
    if (onDisk) privatiseJournal(file);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `This database was written by a newer Podium (schema ${current}, this build knows ${latest}). Update Podium.`,
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
}
