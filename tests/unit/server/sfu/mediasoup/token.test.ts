// The mediasoup grant token: only this process's secret makes one, a changed byte or a lapsed expiry unmakes it.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGrantTokens, GRANT_TOKEN_TTL_MS } from '../../../../../server/sfu/mediasoup/token';

const claims = { room: 'space1', identity: 'pabc', name: 'Ann', role: 'speaker' as const };

describe('mediasoup grant tokens', () => {
  it('round-trips the grant it was minted for, with a five-minute expiry', () => {
    let t = 1_000_000;
    const tokens = createGrantTokens({ now: () => t });
    const token = tokens.mint(claims);
    expect(tokens.verify(token)).toEqual({ ...claims, exp: 1_000_000 + GRANT_TOKEN_TTL_MS });
    t += GRANT_TOKEN_TTL_MS - 1;
    expect(tokens.verify(token)).not.toBeNull();
  });

  it('refuses an expired token', () => {
    let t = 0;
    const tokens = createGrantTokens({ now: () => t });
    const token = tokens.mint(claims);
    t = GRANT_TOKEN_TTL_MS;
    expect(tokens.verify(token)).toBeNull();
  });

  it('refuses a tampered body (a listener making themselves host) and a tampered signature', () => {
    const tokens = createGrantTokens();
    const token = tokens.mint({ ...claims, role: 'listener' });
    const [body, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, role: 'host' })).toString('base64url');
    expect(tokens.verify(`${forged}.${sig}`)).toBeNull();
    const flipped = Buffer.from(sig!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(tokens.verify(`${body}.${flipped.toString('base64url')}`)).toBeNull();
    expect(tokens.verify(`${body}.`)).toBeNull();
    expect(tokens.verify(`${body}.${sig}.x`)).toBeNull();
    expect(tokens.verify('garbage')).toBeNull();
  });

  it("refuses a token of another process (another secret), even one with the same claims", () => {
    const ours = createGrantTokens({ secret: crypto.randomBytes(32) });
    const theirs = createGrantTokens({ secret: crypto.randomBytes(32) });
    expect(ours.verify(theirs.mint(claims))).toBeNull();
  });

  it('refuses a correctly signed body that is not a grant', () => {
    const secret = crypto.randomBytes(32);
    const tokens = createGrantTokens({ secret });
    const body = Buffer.from(JSON.stringify({ room: 'x', identity: 'y', name: 'z', role: 'admin', exp: Date.now() + 60_000 })).toString('base64url');
    const sig = crypto.createHmac('sha256', secret).update(body).digest('base64url');
    expect(tokens.verify(`${body}.${sig}`)).toBeNull();
  });
});
