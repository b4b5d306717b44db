// Small JSON files that must never be half-written: write to a temp file, fsync, rename over the old one.
import fs from 'node:fs';
import path from 'node:path';

export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
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
