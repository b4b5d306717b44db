// The recordings library: one row per recording in a SQLite file beside the recordings, so the studio lists them
// after a restart without walking the disk. Each row keeps the entry the studio shows, checked against its schema
// when read back: a row a newer or broken build wrote is skipped with a log line, never shown half-parsed.
import type { Migration } from '../../../server/store/migrations/index';
import { openDatabase, type Db } from '../../../server/store/db';
import { recordingEntrySchema, type RecordingEntry } from '../../../common/recording';

const LIBRARY_MIGRATIONS: readonly Migration[] = [
  {
    version: 10,
    name: 'recordings',
    up: `
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY,
        folder TEXT NOT NULL UNIQUE,
        started_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        entry TEXT NOT NULL
      ) STRICT;
      CREATE INDEX recordings_started ON recordings (started_at DESC);
    `,
  },
];

export interface RecordingLibrary {
  put(entry: RecordingEntry): void;
  get(id: string): RecordingEntry | null;
  /** Newest first. */
  list(limit?: number): RecordingEntry[];
  /** Rows the last run left in 'recording': candidates for repair. */
  unfinished(): RecordingEntry[];
  /** The row for a folder, if any (a folder belongs to one recording). */
  byFolder(folder: string): RecordingEntry | null;
  remove(id: string): void;
  close(): void;
}

export function openRecordingLibrary(file: string, log: (line: string) => void = () => {}): RecordingLibrary {
  const db: Db = openDatabase(file, LIBRARY_MIGRATIONS);
  const upsert = db.prepare(
    `INSERT INTO recordings (id, folder, started_at, status, entry) VALUES (@id, @folder, @startedAt, @status, @entry)
     ON CONFLICT (id) DO UPDATE SET folder = excluded.folder, status = excluded.status, entry = excluded.entry`,
  );
  const byId = db.prepare('SELECT entry FROM recordings WHERE id = ?');
  const newest = db.prepare('SELECT entry FROM recordings ORDER BY started_at DESC LIMIT ?');
  const open = db.prepare("SELECT entry FROM recordings WHERE status = 'recording' ORDER BY started_at");
  const inFolder = db.prepare('SELECT entry FROM recordings WHERE folder = ?');
  const del = db.prepare('DELETE FROM recordings WHERE id = ?');

  const parse = (row: unknown): RecordingEntry | null => {
    const raw = (row as { entry?: unknown } | undefined)?.entry;
    if (typeof raw !== 'string') return null;
    try {
      const checked = recordingEntrySchema.safeParse(JSON.parse(raw));
      if (checked.success) return checked.data;
      log(`recordings library: a row does not match this build's schema and is not shown`);
    } catch {
      log('recordings library: a row is not valid JSON and is not shown');
    }
    return null;
  };

  return {
    put(entry) {
      const checked = recordingEntrySchema.parse(entry);
      upsert.run({ id: checked.id, folder: checked.folder, startedAt: checked.startedAt, status: checked.status, entry: JSON.stringify(checked) });
    },
    get: (id) => parse(byId.get(id)),
    list: (limit = 500) => newest.all(limit).map(parse).filter((e): e is RecordingEntry => e !== null),
    unfinished: () => open.all().map(parse).filter((e): e is RecordingEntry => e !== null),
    byFolder: (folder) => parse(inFolder.get(folder)),
    remove(id) {
      del.run(id);
    },
    close() {
      db.close();
    },
  };
}
