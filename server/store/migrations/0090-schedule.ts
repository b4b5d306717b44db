// Scheduling and follows (issue 16). A space may carry the UTC start its host announced, when it was cancelled, and
// the iCalendar SEQUENCE its invites carry (bumped on every change, so calendars replace what they hold). Follows
// are keyed by the space's owner (whose spaces they are) and the follower's subject (the hash of their client key),
// so following twice is one row. Each owner's calendar feed sits behind a random, unguessable id.
import type { Migration } from './index';

export const migration0090: Migration = {
  version: 90,
  name: 'schedule',
  up: `
    ALTER TABLE spaces ADD COLUMN scheduled_at INTEGER;
    ALTER TABLE spaces ADD COLUMN cancelled_at INTEGER;
    ALTER TABLE spaces ADD COLUMN ics_sequence INTEGER NOT NULL DEFAULT 0 CHECK (ics_sequence >= 0);
    CREATE INDEX spaces_owner_scheduled ON spaces (owner, scheduled_at) WHERE scheduled_at IS NOT NULL;

    CREATE TABLE follows (
      owner TEXT NOT NULL,
      follower TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (owner, follower)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE host_feeds (
      owner TEXT PRIMARY KEY,
      feed_id TEXT NOT NULL UNIQUE
    ) STRICT;
  `,
};
