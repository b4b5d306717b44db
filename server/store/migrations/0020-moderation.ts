// Moderation state that must outlive a restart: per-space settings and co-host invite, pinned posts, removals
// (bans for one space), the host's block list (every space of that owner), and the audit log.
import type { Migration } from './index';

export const migration0020: Migration = {
  version: 20,
  name: 'moderation',
  up: `
    ALTER TABLE spaces ADD COLUMN owner TEXT NOT NULL DEFAULT 'studio';
    ALTER TABLE spaces ADD COLUMN request_policy TEXT NOT NULL DEFAULT 'everyone'
      CHECK (request_policy IN ('everyone', 'invited', 'nobody'));
    ALTER TABLE spaces ADD COLUMN speaker_limit INTEGER NOT NULL DEFAULT 10;
    ALTER TABLE spaces ADD COLUMN cohost_limit INTEGER NOT NULL DEFAULT 2;
    ALTER TABLE spaces ADD COLUMN cohost_key_hash TEXT;

    CREATE TABLE pins (
      id TEXT PRIMARY KEY,
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      url TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('x', 'link')),
      handle TEXT,
      post_id TEXT,
      site TEXT NOT NULL,
      pinned_by TEXT NOT NULL,
      pinned_at INTEGER NOT NULL,
      position INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX pins_space ON pins (space_id, position);

    CREATE TABLE bans (
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      subject TEXT NOT NULL,
      name TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (space_id, subject)
    ) STRICT;

    CREATE TABLE blocks (
      owner TEXT NOT NULL,
      subject TEXT NOT NULL,
      name TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (owner, subject)
    ) STRICT;

    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      detail TEXT
    ) STRICT;
    CREATE INDEX audit_space ON audit (space_id, id);
  `,
};
