// Spaces: one row per space; the host key is stored as a SHA-256 hash, never in clear.
import type { Migration } from './index';

export const migration0010: Migration = {
  version: 10,
  name: 'spaces',
  up: `
    CREATE TABLE spaces (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      host_name TEXT NOT NULL,
      host_key_hash TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended')),
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      ended_at INTEGER
    ) STRICT;
    CREATE INDEX spaces_created_at ON spaces (created_at DESC);
  `,
};
