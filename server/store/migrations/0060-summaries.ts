// What a space came to, counted while it is live and kept as it is counted, so a restart of the space server loses
// none of it: the most listeners at once and the hands raised (space_totals), reactions per emoji, every different
// listener (by the hash of their client key), and each person's time on stage with their highest role (space_stage:
// `since` is when their current stretch on stage began, null while they are off it). Rows go with their space.
import type { Migration } from './index';

export const migration0060: Migration = {
  version: 60,
  name: 'summaries',
  up: `
    CREATE TABLE space_totals (
      space_id TEXT PRIMARY KEY REFERENCES spaces (id) ON DELETE CASCADE,
      peak_listeners INTEGER NOT NULL DEFAULT 0 CHECK (peak_listeners >= 0),
      hands INTEGER NOT NULL DEFAULT 0 CHECK (hands >= 0)
    ) STRICT;

    CREATE TABLE space_reactions (
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      emoji TEXT NOT NULL,
      count INTEGER NOT NULL CHECK (count > 0),
      PRIMARY KEY (space_id, emoji)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE space_listeners (
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      subject TEXT NOT NULL,
      PRIMARY KEY (space_id, subject)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE space_stage (
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('host', 'cohost', 'speaker')),
      stage_ms INTEGER NOT NULL DEFAULT 0 CHECK (stage_ms >= 0),
      since INTEGER,
      first_at INTEGER NOT NULL,
      PRIMARY KEY (space_id, id)
    ) STRICT, WITHOUT ROWID;
  `,
};
