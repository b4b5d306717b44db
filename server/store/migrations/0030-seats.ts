// Co-host seats, and who a ban or a block belongs to. A co-host invite no longer *is* the co-host: taking a seat with
// it hands that person their own credential (stored here as a hash), which "Remove co-host" revokes. Bans record the
// SFU identity they keep out, so an event from the SFU is checked in one lookup. Blocks record whether the host or a
// co-host made them, because co-hosts may block for the host but not lift the host's own blocks.
import type { Migration } from './index';

export const migration0030: Migration = {
  version: 30,
  name: 'seats',
  up: `
    CREATE TABLE cohost_seats (
      id TEXT PRIMARY KEY,
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      credential_hash TEXT NOT NULL UNIQUE,
      holder TEXT NOT NULL,
      name TEXT NOT NULL,
      taken_at INTEGER NOT NULL,
      revoked_at INTEGER
    ) STRICT;
    CREATE INDEX cohost_seats_space ON cohost_seats (space_id, revoked_at);

    ALTER TABLE bans ADD COLUMN identity TEXT;
    UPDATE bans SET identity = 'p' || substr(subject, 1, 16);
    CREATE INDEX bans_identity ON bans (space_id, identity);

    ALTER TABLE blocks ADD COLUMN added_by TEXT NOT NULL DEFAULT 'host' CHECK (added_by IN ('host', 'cohost'));
  `,
};
