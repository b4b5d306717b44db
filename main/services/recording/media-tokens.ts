// Playable URLs for recordings: the studio page plays a mix from /media/<token>, where the token is a random,
// unguessable name for one file, handed out by a contract call (which only the studio can make). Nothing else on
// disk can be reached through it, and tokens die with the process. A token names the very file it was issued for,
// not only its path: a file replaced under the same name (a new recording at that path, a link planted there) is
// not served through an old token, and revokeFolder forgets a deleted recording's tokens outright.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PodiumError } from '../../../common/result';

const MAX_TOKENS = 200;

/**
 * Which file is at `file` now. A deleted file's inode is soon reused, and not every file system keeps a birth time,
 * so size and modification time are part of it too (a finished recording does not change while it is played).
 * Null when there is no plain file there (a link is not one).
 */
function identityOf(file: string): string | null {
  try {
    const stat = fs.lstatSync(file);
    return stat.isFile() ? `${stat.dev}:${stat.ino}:${stat.birthtimeMs}:${stat.size}:${stat.mtimeMs}` : null;
  } catch {
    return null;
  }
}

export type MediaTokens = ReturnType<typeof createMediaTokens>;

export function createMediaTokens() {
  const issued = new Map<string, { file: string; identity: string }>();
  return {
    issue(file: string): string {
      const identity = identityOf(file);
      if (!identity) throw new PodiumError('not_found', `${path.basename(file)} is not a file Podium can play.`);
      for (const [token, known] of issued) {
        if (known.file !== file) continue;
        if (known.identity === identity) return token;
        issued.delete(token);
      }
      const token = crypto.randomBytes(18).toString('base64url');
      issued.set(token, { file, identity });
      // Oldest first out: a long session of previews does not grow without bound.
      if (issued.size > MAX_TOKENS) issued.delete(issued.keys().next().value!);
      return token;
    },
    resolve(token: string): string | null {
      const known = /^[A-Za-z0-9_-]{24}$/.test(token) ? issued.get(token) : undefined;
      if (!known) return null;
      if (identityOf(known.file) !== known.identity) {
        issued.delete(token);
        return null;
      }
      return known.file;
    },
    /** Forgets every token for a file in `folder` (a recording being deleted); returns how many. */
    revokeFolder(folder: string): number {
      const root = path.resolve(folder);
      let revoked = 0;
      for (const [token, known] of issued) {
        const relative = path.relative(root, path.resolve(known.file));
        if (relative && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative)) {
          issued.delete(token);
          revoked++;
        }
      }
      return revoked;
    },
  };
}
