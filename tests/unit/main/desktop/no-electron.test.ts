// main/desktop/ holds the decisions behind the Electron shell's tray, shortcut and notifications: it must stay free
// of Electron, or these tests (and the web studio) could not load it on machines without the binary.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../main/desktop');

describe('main/desktop', () => {
  it('imports nothing from electron', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/);
    }
  });
});
