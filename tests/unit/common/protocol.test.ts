// The space protocol's parser: what the server accepts from any client, and how it explains what it refuses.
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, parseClientMessage, serverMessageSchema, type ParseOutcome } from '../../../common/protocol';

const SPACE_ID = 'abcde12345';

function refused(outcome: ParseOutcome): Extract<ParseOutcome, { ok: false }> {
  if (outcome.ok) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.message)}`);
  return outcome;
}

function accepted(outcome: ParseOutcome) {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.code}: ${outcome.message}`);
  return outcome.message;
}

const frame = (value: unknown): string => JSON.stringify(value);

describe('parseClientMessage: valid messages', () => {
  it('parses a listener join', () => {
    expect(accepted(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, name: 'Ann' })))).toEqual({
      type: 'join',
      spaceId: SPACE_ID,
      name: 'Ann',
    });
  });

  it('parses a host join with a credential and a ref', () => {
    const credential = 'k'.repeat(32);
    expect(accepted(parseClientMessage(frame({ type: 'join', ref: 'r1', spaceId: SPACE_ID, credential })))).toEqual({
      type: 'join',
      ref: 'r1',
      spaceId: SPACE_ID,
      credential,
    });
  });

  it.each(['start', 'end', 'ping'])('parses %s, with or without a ref', (type) => {
    expect(accepted(parseClientMessage(frame({ type })))).toEqual({ type });
    expect(accepted(parseClientMessage(frame({ type, ref: 'abc' })))).toEqual({ type, ref: 'abc' });
  });

  it('accepts a Buffer as well as a string', () => {
    expect(accepted(parseClientMessage(Buffer.from(frame({ type: 'ping' }))))).toEqual({ type: 'ping' });
  });

  it('trims a display name', () => {
    const message = accepted(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, name: '  Ann  ' })));
    expect(message).toMatchObject({ name: 'Ann' });
  });
});

describe('parseClientMessage: size limit', () => {
  it('accepts a frame of exactly MAX_MESSAGE_BYTES', () => {
    const base = frame({ type: 'ping', ref: '' });
    const padded = base.slice(0, -1) + ' '.repeat(MAX_MESSAGE_BYTES - base.length) + '}';
    expect(Buffer.byteLength(padded)).toBe(MAX_MESSAGE_BYTES);
    expect(parseClientMessage(padded).ok).toBe(true);
  });

  it('refuses one byte more as too_large, before parsing', () => {
    const big = ' '.repeat(MAX_MESSAGE_BYTES - 14) + frame({ type: 'ping' });
    expect(Buffer.byteLength(big)).toBe(MAX_MESSAGE_BYTES + 1);
    const outcome = refused(parseClientMessage(big));
    expect(outcome.code).toBe('too_large');
    expect(outcome.message).toContain(String(MAX_MESSAGE_BYTES));
  });

  it('counts bytes, not characters (multi-byte text)', () => {
    // 1500 three-byte characters: 1500 chars but 4500 bytes.
    const name = '€'.repeat(1500);
    expect(refused(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, name }))).code).toBe('too_large');
    expect(refused(parseClientMessage(Buffer.from('€'.repeat(1400)))).code).toBe('too_large');
  });
});

describe('parseClientMessage: malformed frames', () => {
  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"type":"ping"'],
    ['an empty frame', ''],
    ['an array', '[{"type":"ping"}]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"ping"'],
    ['true', 'true'],
  ])('refuses %s as bad_request', (_label, raw) => {
    const outcome = refused(parseClientMessage(raw));
    expect(outcome.code).toBe('bad_request');
    expect(outcome.message).toMatch(/JSON object/);
  });

  it('refuses an unknown type and echoes the ref', () => {
    const outcome = refused(parseClientMessage(frame({ type: 'launch-missiles', ref: 'q7' })));
    expect(outcome).toMatchObject({ code: 'unknown_type', ref: 'q7' });
    for (const known of ['join', 'start', 'end', 'ping']) expect(outcome.message).toContain(known);
  });

  it.each([
    ['missing', {}],
    ['not a string', { type: 7 }],
    ['an object', { type: { toString: 'ping' } }],
    ['a prototype key', { type: '__proto__' }],
    ['different case', { type: 'PING' }],
  ])('treats a type that is %s as unknown_type', (_label, value) => {
    expect(refused(parseClientMessage(frame(value))).code).toBe('unknown_type');
  });

  it('does not echo a ref longer than 40 characters', () => {
    const outcome = refused(parseClientMessage(frame({ type: 'nope', ref: 'r'.repeat(41) })));
    expect(outcome.code).toBe('unknown_type');
    expect(outcome.ref).toBeUndefined();
  });

  it('refuses extra keys (strict) and echoes the ref', () => {
    const outcome = refused(parseClientMessage(frame({ type: 'ping', ref: 'x1', admin: true })));
    expect(outcome).toMatchObject({ code: 'bad_request', ref: 'x1' });
    expect(outcome.message).toMatch(/admin/);
  });

  it('refuses a start that smuggles a credential', () => {
    expect(refused(parseClientMessage(frame({ type: 'start', credential: 'k'.repeat(32) }))).code).toBe('bad_request');
  });

  it('refuses a ref that is too long or not a string', () => {
    expect(refused(parseClientMessage(frame({ type: 'ping', ref: 'r'.repeat(41) }))).code).toBe('bad_request');
    expect(refused(parseClientMessage(frame({ type: 'ping', ref: 5 }))).code).toBe('bad_request');
  });
});

describe('parseClientMessage: join fields', () => {
  it.each([
    ['too short', 'abc'],
    ['too long', 'abcde123456'],
    ['upper case', 'ABCDE12345'],
    ['with a slash', 'abcde/2345'],
    ['a number', 1234567890],
  ])('refuses a spaceId that is %s, naming spaceId', (_label, spaceId) => {
    const outcome = refused(parseClientMessage(frame({ type: 'join', spaceId })));
    expect(outcome.code).toBe('bad_request');
    expect(outcome.message).toMatch(/^spaceId: /);
  });

  it('names spaceId when it is missing', () => {
    expect(refused(parseClientMessage(frame({ type: 'join' }))).message).toContain('spaceId');
  });

  it('accepts credentials of 16 and 128 characters', () => {
    for (const len of [16, 128]) {
      expect(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, credential: 'k'.repeat(len) })).ok).toBe(true);
    }
  });

  it.each([15, 129, 0])('refuses a credential of %i characters, naming credential', (len) => {
    const outcome = refused(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, credential: 'k'.repeat(len) })));
    expect(outcome.code).toBe('bad_request');
    expect(outcome.message).toContain('credential');
  });

  it('refuses an empty or over-long display name', () => {
    expect(refused(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, name: '   ' }))).message).toContain('name');
    expect(refused(parseClientMessage(frame({ type: 'join', spaceId: SPACE_ID, name: 'n'.repeat(61) }))).message).toContain('name');
  });

  it('names at most three problems in one message', () => {
    const outcome = refused(
      parseClientMessage(frame({ type: 'join', spaceId: 1, credential: 2, name: 3, ref: 4, extra: 5, more: 6 })),
    );
    expect(outcome.message.split('; ').length).toBeLessThanOrEqual(3);
  });
});

describe('serverMessageSchema', () => {
  it('accepts an error reply with a known code and refuses an unknown code', () => {
    expect(serverMessageSchema.safeParse({ type: 'error', code: 'forbidden', message: 'no' }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ type: 'error', code: 'teapot', message: 'no' }).success).toBe(false);
  });
});
