// Small JSON files that must never be half-written: write to a temp file, fsync, rename over the old one.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes `dir` (and any missing parents) 0700 whatever the umask: the data folder holds settings and secrets, which
 * other local users have no business reading. A folder that already exists is left as its owner set it.
 */
export function makePrivateDir(dir: string): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    fs.chmodSync(d, 0o700);
    if (d === path.resolve(created) || path.dirname(d) === d) break;
  }
}

export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): void {
  makePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    // The open mode passes through the umask and is ignored for a left-over temp file; set it outright.
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, JSON.stringify(value, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Reads a JSON file; a missing file is `undefined`, an unreadable one is moved aside (kept, not lost) and `undefined`. */
export function readJsonOrSetAside(file: string, log: (line: string) => void): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    setAside(file, log, 'was not valid JSON');
    return undefined;
  }
}

/** Moves a file that cannot be used out of the way, keeping it for the user, before anything overwrites it. */
export function setAside(file: string, log: (line: string) => void, why: string): void {
  const aside = `${file}.corrupt-${Date.now()}`;
  fs.renameSync(file, aside);
  log(`${path.basename(file)} ${why}; kept it as ${path.basename(aside)} and started from defaults`);
}
