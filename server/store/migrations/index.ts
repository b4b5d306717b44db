// Migrations as files, applied in order inside one transaction; SQLite's user_version records the schema.
import { migration0010 } from './0010-spaces';
import { migration0020 } from './0020-moderation';
import { migration0030 } from './0030-seats';
import { migration0040 } from './0040-members';
import { migration0050 } from './0050-pin-captions';
import { migration0060 } from './0060-summaries';
import { migration0070 } from './0070-block-counts';
import { migration0080 } from './0080-reports';
import { migration0090 } from './0090-schedule';
import { migration0100 } from './0100-tickets';

export interface Migration {
  /** Strictly increasing; becomes PRAGMA user_version once applied. */
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [migration0010, migration0020, migration0030, migration0040, migration0050, migration0060, migration0070, migration0080, migration0090, migration0100];
