// Playable URLs for recordings: the studio page plays a mix from /media/<token>, where the token is a random,
// unguessable name for one file, handed out by a contract call (which only the studio can make). Nothing else on
// disk can be reached through it, and tokens die with the process.
import crypto from 'node:crypto';

const MAX_TOKENS = 200;

export function createMediaTokens() {
  const files = new Map<string, string>();
  return {
    issue(file: string): string {
      for (const [token, known] of files) if (known === file) return token;
      const token = crypto.randomBytes(18).toString('base64url');
      files.set(token, file);
      // Oldest first out: a long session of previews does not grow without bound.
      if (files.size > MAX_TOKENS) files.delete(files.keys().next().value!);
      return token;
    },
    resolve(token: string): string | null {
      return /^[A-Za-z0-9_-]{24}$/.test(token) ? (files.get(token) ?? null) : null;
    },
  };
}
