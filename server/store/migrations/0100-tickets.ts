// Ticketed spaces: whether a space needs a ticket and how many it admits (with the key its codes are signed with),
// and the tickets themselves — only the SHA-256 of each code is kept, so the database alone never admits anyone. A
// ticket binds to the first listener (subject) who redeems it. Rows go with their space.
import type { Migration } from './index';

export const migration0100: Migration = {
  version: 100,
  name: 'tickets',
  up: `
    CREATE TABLE ticket_settings (
      space_id TEXT PRIMARY KEY REFERENCES spaces (id) ON DELETE CASCADE,
      required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
      capacity INTEGER NOT NULL DEFAULT 100 CHECK (capacity > 0),
      secret TEXT NOT NULL
    ) STRICT;

    CREATE TABLE tickets (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      code_hash TEXT NOT NULL UNIQUE,
      label TEXT NOT NULL DEFAULT '',
      issued_at INTEGER NOT NULL,
      holder_subject TEXT,
      holder_identity TEXT,
      holder_name TEXT,
      used_at INTEGER,
      revoked_at INTEGER
    ) STRICT;
    CREATE INDEX tickets_space ON tickets (space_id, id);
    CREATE INDEX tickets_holder ON tickets (space_id, holder_identity) WHERE holder_identity IS NOT NULL;
  `,
};
