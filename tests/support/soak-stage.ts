// The soak's stage: the host (a protocol client holding the host key, plus a voice on the SFU saying a speech file in
// a loop) and speakers who come and go. Each speaker joins, raises a hand, is approved by the host, speaks for a
// while on the SFU, then either is moved back to the listeners by the host or just leaves (and, coming back within
// the server's grace, finds themselves still on stage) — and comes back again later.
import { setTimeout as delay } from 'node:timers/promises';
import type { ServerMessage, StageMember } from '../../common/protocol';
import { prng } from './prng';
import { between } from './soak-plan';
import { connectVoice, type Voice } from './soak-audio';
import { connectSoakClient, isType, type SoakClient } from './soak-client';

export interface Host {
  participantId: string;
  voice: Voice;
  /** Who is on stage and connected, as the host was last told. */
  stage(): StageMember[];
  /** Waits until the host sees `participantId`'s hand up, then approves it. */
  approve(participantId: string): Promise<void>;
  demote(participantId: string): Promise<void>;
  close(): Promise<void>;
}

type JoinReplies = { joined: Extract<ServerMessage, { type: 'joined' }>; you: Extract<ServerMessage, { type: 'you' }>; media: Extract<ServerMessage, { type: 'media' }> };

/** Joins and waits for the replies a member of a live space gets: joined, their standing, and a media grant. */
async function joinLive(client: SoakClient, join: { spaceId: string; key?: string; credential?: string; name: string }): Promise<JoinReplies> {
  const replies = Promise.all([
    client.expect(isType('joined'), 20_000, 'joined'),
    client.expect(isType('you'), 20_000, 'their standing'),
    client.expect(isType('media'), 20_000, 'a media grant'),
  ]);
  client.send({ type: 'join', ...join });
  const [joined, you, media] = await replies;
  return { joined, you, media };
}

export async function startHost(
  protocolUrl: string,
  spaceId: string,
  hostKey: string,
  frames: Int16Array[],
  onProblem: (p: string) => void,
  onNote: (n: string) => void = () => {},
): Promise<Host> {
  const client = await connectSoakClient(protocolUrl, { onProblem: (p) => onProblem(`host: ${p}`) });
  let members: StageMember[] = [];
  const hands = new Set<string>();
  client.onMessage((m) => {
    if (m.type === 'stage') members = m.members;
    const changed = m.type === 'roster' ? m.participants : m.type === 'rosterDelta' ? m.upsert : [];
    for (const p of changed) {
      if (p.handRaisedAt !== null) hands.add(p.id);
      else hands.delete(p.id);
    }
    if (m.type === 'rosterDelta') for (const id of m.remove) hands.delete(id);
  });
  const joined = client.expect(isType('joined'), 20_000, 'the host joined');
  client.send({ type: 'join', spaceId, credential: hostKey, name: 'Soak Host' });
  const { participantId } = await joined;
  const grant = client.expect(isType('media'), 20_000, "the host's media grant");
  client.send({ type: 'start' });
  const voice = await connectVoice((await grant).media, frames, 'the host', onProblem, onNote);
  await voice.speak();
  let leaving = false;
  void client.closed.then(({ code, reason }) => {
    if (!leaving) onProblem(`host: the server closed the connection (${code} ${reason})`);
  });
  const handUp = (id: string) =>
    hands.has(id)
      ? Promise.resolve()
      : client.expect((m): m is ServerMessage => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === id && p.handRaisedAt !== null), 20_000, `${id}'s hand`).then(() => {});
  return {
    participantId,
    voice,
    stage: () => members.filter((m) => !m.away),
    async approve(id) {
      await handUp(id);
      client.send({ type: 'mod', action: 'approve', target: id });
    },
    async demote(id) {
      client.send({ type: 'mod', action: 'demote', target: id });
    },
    async close() {
      leaving = true;
      await voice.close();
      await client.close();
    },
  };
}

export interface Speakers {
  /** Turns on stage completed, by how they ended. */
  turns: { demoted: number; left: number };
  stop(): Promise<void>;
}

export function startSpeakers(options: {
  protocolUrl: string;
  spaceId: string;
  host: Host;
  count: number;
  frames: Int16Array[];
  seed: number;
  onProblem: (p: string) => void;
}): Speakers {
  const abort = new AbortController();
  const { signal } = abort;
  const turns = { demoted: 0, left: 0 };

  async function turn(index: number, key: string, name: string, rand: () => number, demoted: boolean): Promise<void> {
    const problem = (text: string) => {
      if (!signal.aborted) options.onProblem(`${name}: ${text}`);
    };
    const client = await connectSoakClient(options.protocolUrl, { onProblem: problem });
    let leaving = false;
    void client.closed.then(({ code, reason }) => {
      if (!leaving) problem(`the server closed the connection (${code} ${reason})`);
    });
    let voice: Voice | null = null;
    try {
      const { joined, you, media } = await joinLive(client, { spaceId: options.spaceId, key, name });
      // Like a listener page: on the SFU from the start with a listener's grant; approval upgrades it there, live.
      voice = await connectVoice(media.media, options.frames, name, problem);
      if (you.you.role !== 'speaker') {
        const onStage = client.expect((m): m is ServerMessage => m.type === 'you' && m.you.role === 'speaker', 30_000, 'approval');
        client.send({ type: 'hand', raised: true });
        await options.host.approve(joined.participantId);
        await onStage;
      }
      await voice.speak();
      await delay(between(rand, [30_000, 60_000]), undefined, { signal });
      if (demoted) {
        const off = client.expect((m): m is ServerMessage => m.type === 'you' && m.you.role === 'listener', 30_000, 'being moved to the listeners');
        await options.host.demote(joined.participantId);
        await off;
        turns.demoted++;
      } else turns.left++;
    } catch (error) {
      if (!signal.aborted) problem(error instanceof Error ? error.message : String(error));
    } finally {
      leaving = true;
      await voice?.close();
      await client.close();
    }
  }

  async function speaker(index: number): Promise<void> {
    const rand = prng(options.seed * 7_919 + index);
    const name = `Speaker ${String.fromCharCode(65 + index)}`;
    const key = `soak-speaker-${index}-${options.seed}`.padEnd(20, 'x');
    try {
      // Speakers arrive one after another, a few seconds apart.
      await delay(2_000 + index * 5_000, undefined, { signal });
      for (let n = 0; !signal.aborted; n++) {
        // Every other turn ends with the host moving them back; the others, with the speaker just leaving.
        await turn(index, key, name, rand, n % 2 === 0);
        await delay(between(rand, [5_000, 20_000]), undefined, { signal });
      }
    } catch (error) {
      if (!signal.aborted) options.onProblem(`${name} stopped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const running = Array.from({ length: options.count }, (_, i) => speaker(i));
  return {
    turns,
    async stop() {
      abort.abort();
      await Promise.all(running);
    },
  };
}
