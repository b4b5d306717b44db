// `npm run bench:store [-- --rows 100000 --samples 2000]`: what a moderation write costs the space server when the
// history is long — a real SQLite file (WAL, as the server opens it) already holding `rows` blocks for the owner, bans
// and audit entries for the space. Each operation is the store work the server does for it (server/actions.ts,
// sessions.ts), timed one call at a time; the goal is p99 ≤ 1 ms whatever the history. "Block, as before" is the same
// block followed by the re-read of the whole block list that the server did until the list was capped and counted.
// Not a test: it prints figures and the ratio to the goal.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { blocksMessage } from '../../server/room';
import { openDatabase } from '../../server/store/db';
import { createModerationStore } from '../../server/store/moderation';
import { createSpaceStore } from '../../server/store/spaces';

const GOAL_MS = 1;
const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, samples: { type: 'string', default: '2000' } } });
const ROWS = Number(values.rows);
const SAMPLES = Number(values.samples);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-bench-store-'));
const db = openDatabase(path.join(dir, 'podium.sqlite'));
const spaces = createSpaceStore(db);
const moderation = createModerationStore(db);
const { space } = spaces.create({ title: 'Bench: a long history', description: '', hostName: 'Ann' }, Date.now());
const owner = moderation.owner(space.id);
const subject = () => crypto.randomBytes(32).toString('hex');

// The history, written in one transaction (seeding is not what is measured).
const seedStart = performance.now();
db.transaction(() => {
  for (let i = 0; i < ROWS; i++) {
    const s = subject();
    moderation.ban(space.id, { subject: s, identity: `p${s.slice(0, 16)}`, name: `Troll ${i}` }, 1_700_000_000_000 + i);
    moderation.block(owner, s, `Troll ${i}`, 1_700_000_000_000 + i, 'host');
    moderation.audit(space.id, { at: 1_700_000_000_000 + i, actor: 'Ann', action: 'blocked {target}', target: `Troll ${i}`, detail: null });
  }
})();
console.log(`seeded ${ROWS.toLocaleString('en')} blocks, bans and audit entries in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

function time(op: () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    op();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b);
}
const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;

let n = 0;
/** A block as the server makes it (server/actions.ts), then what moderators are sent of the list. */
const block = (readBack: () => void) => () => {
  const s = subject();
  moderation.isBanned(space.id, s);
  moderation.blockAuthor(owner, s);
  moderation.ban(space.id, { subject: s, identity: `p${s.slice(0, 16)}`, name: `New ${n}` }, Date.now());
  moderation.block(owner, s, `New ${n++}`, Date.now(), 'host');
  readBack();
};
const ops: [string, () => void][] = [
  ['block (ban, block, the latest 50 and the count)', block(() => blocksMessage(moderation, owner))],
  ['block, as before (then the whole list re-read)', block(() => moderation.blocks(owner, Number.MAX_SAFE_INTEGER))],
  [
    'remove (ban)',
    () => {
      const s = subject();
      moderation.isBanned(space.id, s);
      moderation.blockAuthor(owner, s);
      moderation.ban(space.id, { subject: s, identity: `p${s.slice(0, 16)}`, name: `Gone ${n++}` }, Date.now());
    },
  ],
  [
    'unblock (one entry, then the latest 50 and the count)',
    () => {
      const s = subject();
      moderation.block(owner, s, `Brief ${n++}`, Date.now(), 'host');
      const t = performance.now();
      moderation.blockEntry(owner, s);
      moderation.unblock(owner, s);
      blocksMessage(moderation, owner);
      unblockOnly.push(performance.now() - t);
    },
  ],
  ['audit entry', () => void moderation.audit(space.id, { at: Date.now(), actor: 'Ann', action: 'muted {target}', target: `Troll ${n++}`, detail: null })],
  ['SFU event check (is this identity banned)', () => void moderation.isBannedIdentity(space.id, `p${subject().slice(0, 16)}`)],
  ['join check (banned or blocked)', () => void (moderation.isBanned(space.id, subject()) || moderation.isBlocked(owner, subject()))],
  [
    "a moderator's join (the latest 50 blocks, the latest 200 audit entries)",
    () => {
      blocksMessage(moderation, owner);
      moderation.auditLog(space.id, 200);
    },
  ],
];
const unblockOnly: number[] = [];

console.log(`\n${'operation'.padEnd(62)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}   p99/goal`);
for (const [name, op] of ops) {
  let s = time(op);
  if (name.startsWith('unblock')) s = unblockOnly.splice(0).sort((a, b) => a - b);
  const p99 = pct(s, 99);
  console.log(`${name.padEnd(62)} ${pct(s, 50).toFixed(3).padStart(8)} ${p99.toFixed(3).padStart(8)} ${s.at(-1)!.toFixed(3).padStart(8)}   ${(p99 / GOAL_MS).toFixed(2)}x ${p99 <= GOAL_MS ? 'PASS' : 'MISS'}`);
}
console.log(`\nblocks counted: ${moderation.blockCount(owner).toLocaleString('en')} (rows: ${(db.prepare('SELECT COUNT(*) AS n FROM blocks').get() as { n: number }).n.toLocaleString('en')})`);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
