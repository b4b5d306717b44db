// The `recording` message and the stage's `recording`: what a client may send, and what a client accepts.
import { describe, expect, it } from 'vitest';
import { parseClientMessage, serverMessageSchema } from '../../../common/protocol';

const frame = (value: unknown): string => JSON.stringify(value);
const stage = { type: 'stage', members: [], handCount: 0, pins: [], settings: { requestPolicy: 'everyone', speakerLimit: 10, cohostLimit: 2 } };

describe('recording: the client message', () => {
  it('accepts on and off, with a ref', () => {
    expect(parseClientMessage(frame({ type: 'recording', on: true }))).toEqual({ ok: true, message: { type: 'recording', on: true } });
    expect(parseClientMessage(frame({ type: 'recording', ref: 'r1', on: false }))).toEqual({ ok: true, message: { type: 'recording', ref: 'r1', on: false } });
  });

  it.each([
    [{ type: 'recording', on: 'yes' }, /on/],
    [{ type: 'recording', on: 1 }, /on/],
    [{ type: 'recording', on: null }, /on/],
    [{ type: 'recording' }, /on/],
    [{ type: 'recording', on: true, since: 5 }, /since/],
    [{ type: 'recording', on: true, participantId: 'p0123456789abcdef' }, /participantId/],
  ])('refuses %j as a bad request, saying what is wrong', (message, names) => {
    const outcome = parseClientMessage(frame({ ...message, ref: 'x' }));
    expect(outcome).toMatchObject({ ok: false, code: 'bad_request', ref: 'x' });
    if (!outcome.ok) expect(outcome.message).toMatch(names);
  });
});

describe('recording: the stage message', () => {
  it('carries since when, or null', () => {
    expect(serverMessageSchema.parse({ ...stage, recording: { since: 1_700_000_000_000 } })).toMatchObject({ recording: { since: 1_700_000_000_000 } });
    expect(serverMessageSchema.parse({ ...stage, recording: null })).toMatchObject({ recording: null });
  });

  it('reads a stage from a server that predates recording as not recorded', () => {
    expect(serverMessageSchema.parse(stage)).toMatchObject({ recording: null });
  });

  it('refuses a malformed recording state rather than guessing', () => {
    expect(serverMessageSchema.safeParse({ ...stage, recording: true }).success).toBe(false);
    expect(serverMessageSchema.safeParse({ ...stage, recording: { since: 'now' } }).success).toBe(false);
  });

  it("a moderator's own standing may say whether the server counts them as recording", () => {
    const you = { role: 'host', handRaised: false, invited: false, mutedBy: null };
    expect(serverMessageSchema.parse({ type: 'you', you: { ...you, recording: true } })).toMatchObject({ you: { recording: true } });
    expect(serverMessageSchema.parse({ type: 'you', you })).toEqual({ type: 'you', you });
  });
});
