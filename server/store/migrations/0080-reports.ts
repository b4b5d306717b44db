// Reports and the decisions that close them, kept so a restart of the space server loses neither the queue nor its
// history (and a trust and safety follow-up can export both). One open report per reporter and target (a partial
// unique index: once a case is decided, the same person may report again). A report about a host or co-host is kept
// for the server's admin (for_admin = 1), never shown to the moderators it is about. Rows go with their space.
import type { Migration } from './index';

export const migration0080: Migration = {
  version: 80,
  name: 'reports',
  up: `
    CREATE TABLE report_decisions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      target_key TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('dismiss', 'mute', 'demote', 'remove', 'block', 'unpin')),
      by_name TEXT NOT NULL,
      at INTEGER NOT NULL,
      audit_id INTEGER REFERENCES audit (id) ON DELETE SET NULL
    ) STRICT;
    CREATE INDEX report_decisions_space ON report_decisions (space_id, id);

    CREATE TABLE reports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
      target_key TEXT NOT NULL,
      target_name TEXT NOT NULL,
      target_role TEXT,
      target_subject TEXT,
      target_joined_at INTEGER,
      reporter_subject TEXT NOT NULL,
      reporter_name TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('harassment', 'spam', 'sexual', 'violence', 'impersonation', 'other')),
      note TEXT NOT NULL DEFAULT '',
      at INTEGER NOT NULL,
      for_admin INTEGER NOT NULL DEFAULT 0 CHECK (for_admin IN (0, 1)),
      decision_id INTEGER REFERENCES report_decisions (id) ON DELETE SET NULL
    ) STRICT;
    CREATE UNIQUE INDEX reports_once ON reports (space_id, target_key, reporter_subject) WHERE decision_id IS NULL;
    CREATE INDEX reports_case ON reports (space_id, decision_id, target_key);
    CREATE INDEX reports_admin ON reports (for_admin, id) WHERE for_admin = 1;
  `,
};
