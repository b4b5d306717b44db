// Grant tokens for the mediasoup signalling socket: HMAC-SHA256 over the grant (room, identity, name, role, expiry)
// with a secret that lives only in this process, so a token means nothing to another server or after a restart.
// A token only opens the socket (hello): every request after that is judged by who the peer is entitled to be now.
import crypto from 'node:crypto';
import { roleSchema, type Role } from '../../../common/space';

/** Same lifetime as a LiveKit token: it admits a client at connect time, nothing more. */
export const GRANT_TOKEN_TTL_MS = 5 * 60_000;

export interface GrantClaims {
  room: string;
  identity: string;
  name: string;
  role: Role;
  /** Expiry (ms since the epoch). */
  exp: number;
}

export interface GrantTokens {
  mint(claims: Omit<GrantClaims, 'exp'>, ttlMs?: number): string;
  /** The claims of a token this process minted that has not expired; null for anything else. */
  verify(token: string): GrantClaims | null;
}

const b64 = (buf: Buffer): string => buf.toString('base64url');

export function createGrantTokens(options: { secret?: Buffer; now?: () => number } = {}): GrantTokens {
  const secret = options.secret ?? crypto.randomBytes(32);
  const now = options.now ?? Date.now;
  const sign = (body: string): Buffer => crypto.createHmac('sha256', secret).update(body).digest();
  return {
    mint(claims, ttlMs = GRANT_TOKEN_TTL_MS) {
      const payload: GrantClaims = { ...claims, exp: now() + ttlMs };
      const body = b64(Buffer.from(JSON.stringify(payload)));
      return `${body}.${b64(sign(body))}`;
    },
    verify(token) {
      const dot = token.indexOf('.');
      if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = sign(body);
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      if (typeof claims !== 'object' || claims === null) return null;
      const c = claims as Record<string, unknown>;
      const role = roleSchema.safeParse(c.role);
      if (typeof c.room !== 'string' || typeof c.identity !== 'string' || typeof c.name !== 'string' || typeof c.exp !== 'number' || !role.success) return null;
      if (c.exp <= now()) return null;
      return { room: c.room, identity: c.identity, name: c.name, role: role.data, exp: c.exp };
    },
  };
}
