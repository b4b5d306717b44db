// Members' standing in a space — role, raised hand (and its place in the queue), invite, mute, name, co-host seat —
// so that a restart of the space server loses nobody's place. A plain listener (nothing but a connection) has no
// row: a room of hundreds coming and going writes nothing. Rows go with their space; a space that ends drops them.
import type { Migration } from './index';

export const migration0040: Migration = {
  version: 40,
  name: 'members',
  up: `
    CREATE TABLE members (
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      subject TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('host', 'cohost', 'speaker', 'listener')),
      hand_raised_at INTEGER,
      invited INTEGER NOT NULL DEFAULT 0 CHECK (invited IN (0, 1)),
      muted_by TEXT,
      joined_at INTEGER NOT NULL,
      seat_id TEXT REFERENCES cohost_seats (id),
      PRIMARY KEY (space_id, id)
    ) STRICT, WITHOUT ROWID;
  `,
};
