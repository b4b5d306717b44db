// How many people each owner has blocked, kept beside the block list by triggers, so a moderator's studio is told the
// count without the server counting a list that only grows (a COUNT(*) over 100,000 blocks is a scan on the server's
// only thread), and an index that reads the latest blocks without sorting them all. Filled from the blocks already
// there. (An upsert that only renames a block runs no INSERT trigger: the count stays right.)
import type { Migration } from './index';

export const migration0070: Migration = {
  version: 70,
  name: 'block-counts',
  up: `
    CREATE TABLE block_counts (
      owner TEXT PRIMARY KEY,
      n INTEGER NOT NULL CHECK (n >= 0)
    ) STRICT, WITHOUT ROWID;

    INSERT INTO block_counts (owner, n) SELECT owner, COUNT(*) FROM blocks GROUP BY owner;
    CREATE INDEX blocks_recent ON blocks (owner, at DESC);

    CREATE TRIGGER blocks_counted_in AFTER INSERT ON blocks BEGIN
      INSERT INTO block_counts (owner, n) VALUES (NEW.owner, 1) ON CONFLICT (owner) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER blocks_counted_out AFTER DELETE ON blocks BEGIN
      UPDATE block_counts SET n = n - 1 WHERE owner = OLD.owner;
    END;
  `,
};
