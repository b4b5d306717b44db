// LiveKit access tokens: least privilege per role, and a JWT that LiveKit (and only a holder of the secret) accepts.
import { TokenVerifier, TrackSource } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Role } from '../../../../common/space';
import { grantFor, mintToken, TOKEN_TTL_SECONDS, type LivekitCredentials } from '../../../../server/livekit/tokens';

const creds: LivekitCredentials = { url: 'ws://127.0.0.1:7880', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const ROLES: Role[] = ['host', 'cohost', 'speaker', 'listener'];
const PUBLISHERS: Role[] = ['host', 'cohost', 'speaker'];

const payloadSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  exp: z.number(),
  nbf: z.number(),
  name: z.string(),
  metadata: z.string(),
  video: z.looseObject({
    room: z.string(),
    roomJoin: z.boolean(),
    canPublish: z.boolean(),
    canSubscribe: z.boolean(),
    canPublishData: z.boolean(),
    canPublishSources: z.array(z.string()),
    roomAdmin: z.boolean().optional(),
    roomCreate: z.boolean().optional(),
    roomList: z.boolean().optional(),
    roomRecord: z.boolean().optional(),
  }),
});

/** Decodes the payload without checking the signature (what anyone holding the token can read). */
function decodePayload(jwt: string): z.infer<typeof payloadSchema> {
  const parts = jwt.split('.');
  expect(parts).toHaveLength(3);
  const json: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  return payloadSchema.parse(json);
}

describe('grantFor', () => {
  it('gives a listener subscribe only: no audio, no data, no sources', () => {
    const grant = grantFor('listener', 'room1');
    expect(grant).toMatchObject({ room: 'room1', roomJoin: true, canSubscribe: true, canPublish: false, canPublishData: false });
    expect(grant.canPublishSources ?? []).toEqual([]);
  });

  it.each(PUBLISHERS)('gives a %s the microphone and nothing else', (role) => {
    const grant = grantFor(role, 'room1');
    expect(grant).toMatchObject({ room: 'room1', roomJoin: true, canSubscribe: true, canPublish: true, canPublishData: false });
    expect(grant.canPublishSources).toEqual([TrackSource.MICROPHONE]);
  });

  it.each(ROLES)('never gives a %s admin, create, list, record or metadata rights', (role) => {
    const grant = grantFor(role, 'room1');
    for (const key of ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'canUpdateOwnMetadata', 'hidden', 'recorder'] as const) {
      expect(grant[key] ?? false, key).toBe(false);
    }
  });

  it('scopes the grant to the room it was asked for', () => {
    expect(grantFor('host', 'abc').room).toBe('abc');
    expect(grantFor('listener', 'xyz').room).toBe('xyz');
  });
});

describe('mintToken', () => {
  it.each(ROLES)('mints a %s token carrying identity, room, name, role and grants', async (role) => {
    const jwt = await mintToken(creds, { room: 'abcde12345', identity: `id-${role}`, name: 'Ann', role });
    const payload = decodePayload(jwt);
    expect(payload.sub).toBe(`id-${role}`);
    expect(payload.iss).toBe(creds.apiKey);
    expect(payload.name).toBe('Ann');
    expect(JSON.parse(payload.metadata)).toEqual({ role });
    expect(payload.video.room).toBe('abcde12345');
    expect(payload.video.roomJoin).toBe(true);
    expect(payload.video.canSubscribe).toBe(true);
    expect(payload.video.canPublishData).toBe(false);
    const publishes = role !== 'listener';
    expect(payload.video.canPublish).toBe(publishes);
    // LiveKit reads sources as strings in the JWT.
    expect(payload.video.canPublishSources).toEqual(publishes ? ['microphone'] : []);
    for (const key of ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord'] as const) {
      expect(payload.video[key] ?? false, key).toBe(false);
    }
  });

  it('expires TOKEN_TTL_SECONDS after it becomes valid, starting now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const payload = decodePayload(await mintToken(creds, { room: 'r', identity: 'i', name: 'n', role: 'listener' }));
    const after = Math.ceil(Date.now() / 1000);
    expect(payload.exp - payload.nbf).toBe(TOKEN_TTL_SECONDS);
    expect(payload.nbf).toBeGreaterThanOrEqual(before);
    expect(payload.nbf).toBeLessThanOrEqual(after);
    expect(TOKEN_TTL_SECONDS).toBeLessThanOrEqual(15 * 60);
  });

  it('honours a custom TTL', async () => {
    const payload = decodePayload(await mintToken(creds, { room: 'r', identity: 'i', name: 'n', role: 'host', ttlSeconds: 30 }));
    expect(payload.exp - payload.nbf).toBe(30);
  });

  it('verifies with the API secret, and not with another secret or another key', async () => {
    const jwt = await mintToken(creds, { room: 'r', identity: 'i', name: 'n', role: 'host' });
    const claims = await new TokenVerifier(creds.apiKey, creds.apiSecret).verify(jwt);
    expect(claims.sub).toBe('i');
    expect(claims.video?.canPublish).toBe(true);
    await expect(new TokenVerifier(creds.apiKey, 'another-secret-another-secret-xx').verify(jwt)).rejects.toThrow();
    await expect(new TokenVerifier('otherkey', creds.apiSecret).verify(jwt)).rejects.toThrow();
  });

  it('a listener cannot upgrade itself by editing the payload: the signature breaks', async () => {
    const jwt = await mintToken(creds, { room: 'r', identity: 'i', name: 'n', role: 'listener' });
    const [header, body, signature] = jwt.split('.') as [string, string, string];
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const forged = { ...(payload as Record<string, unknown>), video: { ...decodePayload(jwt).video, canPublish: true } };
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    await expect(new TokenVerifier(creds.apiKey, creds.apiSecret).verify(tampered)).rejects.toThrow();
  });

  it('mints distinct tokens for distinct identities in the same room', async () => {
    const a = await mintToken(creds, { room: 'r', identity: 'a', name: 'A', role: 'listener' });
    const b = await mintToken(creds, { room: 'r', identity: 'b', name: 'B', role: 'listener' });
    expect(a).not.toBe(b);
    expect(decodePayload(a).sub).toBe('a');
    expect(decodePayload(b).sub).toBe('b');
  });
});
