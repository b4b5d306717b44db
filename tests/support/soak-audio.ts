// The soak's audio: a voice that says a WAV file over and over on the real SFU (@livekit/rtc-node, as a studio's
// microphone would), and an ear — a listener on the SFU — that keeps, for every audio track it hears, the energy of
// each 100 ms block, so the caller can judge what arrived every 10 s. Callers close both and call dispose() once.
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteParticipant,
  type RemoteTrack,
} from '@livekit/rtc-node';
import type { MediaGrant } from '../../common/protocol';
import { readWavMono16 } from './fixtures';
import { SAMPLE_RATE, timeout } from './rtc-bot';

const FRAME = SAMPLE_RATE / 100;
export const BLOCK_MS = 100;
const BLOCK_SAMPLES = (SAMPLE_RATE * BLOCK_MS) / 1000;

/** A WAV file as 10 ms frames of 16-bit samples, ready to feed an AudioSource. */
export function wavFrames(file: string): Int16Array[] {
  const { samples } = readWavMono16(file);
  const pcm = Int16Array.from(samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  const frames: Int16Array[] = [];
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) frames.push(pcm.slice(at, at + FRAME));
  return frames;
}

export interface Voice {
  room: Room;
  /** Publishes the microphone and starts saying the file in a loop (until stop or close). */
  speak(): Promise<void>;
  /** Stops saying, unpublishes the microphone; the room stays connected. */
  stop(): Promise<void>;
  /** 10 ms frames handed to the SFU client so far, and how much audio waits in its queue (ms): evidence for a gap. */
  progress(): { frames: number; queuedMs: number };
  close(): Promise<void>;
}

/** Connects to the SFU with `grant`. `onFailure` hears a loop that broke, or an SFU disconnect not asked for. */
export async function connectVoice(
  grant: MediaGrant,
  frames: Int16Array[],
  who: string,
  onFailure: (problem: string) => void,
  onNote: (note: string) => void = () => {},
): Promise<Voice> {
  const room = new Room();
  let closing = false;
  room.on(RoomEvent.Reconnecting, () => onNote(`${who} is reconnecting to the SFU`));
  room.on(RoomEvent.Reconnected, () => onNote(`${who} reconnected to the SFU`));
  room.on(RoomEvent.Disconnected, (reason) => {
    if (!closing) onFailure(`${who} was disconnected from the SFU (reason ${String(reason)})`);
  });
  await timeout(room.connect(grant.url, grant.token, { autoSubscribe: false, dynacast: false }), 20_000, `${who} joins the SFU`);
  let mic: { source: AudioSource; track: LocalAudioTrack; sid: string; loop: Promise<void> } | null = null;
  let running = false;
  let captured = 0;
  const stop = async () => {
    running = false;
    const current = mic;
    mic = null;
    if (!current) return;
    current.source.clearQueue();
    // A source whose track the SFU already unpublished (a speaker moved back) may never take another frame.
    await Promise.race([current.loop, new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (!closing) await room.localParticipant?.unpublishTrack(current.sid).catch(() => {});
    await current.track.close().catch(() => {});
  };
  return {
    room,
    async speak() {
      if (mic) return;
      // A deep queue (3 s): the voice shares a busy process with hundreds of clients, and a stalled event loop must
      // not turn into gaps in what it says — the soak measures the server, not its own harness.
      const source = new AudioSource(SAMPLE_RATE, 1, 3000);
      const track = LocalAudioTrack.createAudioTrack('mic', source);
      const publication = await timeout(
        room.localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE })),
        20_000,
        `${who} publishes`,
      );
      running = true;
      const loop = (async () => {
        try {
          // captureFrame paces itself to real time (it waits while its queue is full).
          for (let i = 0; running; i = (i + 1) % frames.length) {
            await source.captureFrame(new AudioFrame(frames[i]!, SAMPLE_RATE, 1, FRAME));
            captured++;
          }
        } catch (error) {
          if (running) onFailure(`${who}'s voice stopped: ${error instanceof Error ? error.message : String(error)}`);
        }
      })();
      mic = { source, track, sid: publication.sid!, loop };
    },
    stop,
    progress: () => ({ frames: captured, queuedMs: mic?.source.queuedDuration ?? 0 }),
    async close() {
      closing = true;
      await stop();
      await room.disconnect().catch(() => {});
    },
  };
}

export interface Block {
  squares: number;
  count: number;
}

export interface Ear {
  room: Room;
  /** The 100 ms blocks heard since the last call, by identity (none for a track that sent nothing at all). */
  takeAll(): Map<string, Block[]>;
  /** Identities whose audio track this ear has subscribed to, ever. */
  heard(): Set<string>;
  close(): Promise<void>;
}

/** A listener on the SFU that measures every audio track it is sent. */
export async function connectEar(grant: MediaGrant, onFailure: (problem: string) => void, onNote: (note: string) => void): Promise<Ear> {
  const room = new Room();
  let closing = false;
  // The SFU connection's own story (reconnects, state changes): evidence when what the ear hears goes quiet.
  room.on(RoomEvent.Reconnecting, () => onNote('the ear is reconnecting to the SFU'));
  room.on(RoomEvent.Reconnected, () => onNote('the ear reconnected to the SFU'));
  room.on(RoomEvent.ConnectionStateChanged, (state) => onNote(`the ear's SFU connection is now ${String(state)}`));
  room.on(RoomEvent.TrackUnsubscribed, (_track: RemoteTrack, _pub: unknown, participant: RemoteParticipant) => onNote(`the ear stopped receiving ${participant.identity}`));
  const pending = new Map<string, Block[]>();
  const heard = new Set<string>();
  const readers: { cancel(): Promise<void> }[] = [];
  room.on(RoomEvent.Disconnected, (reason) => {
    if (!closing) onFailure(`the listening ear was disconnected from the SFU (reason ${String(reason)})`);
  });
  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub: unknown, participant: RemoteParticipant) => {
    if (track.kind !== TrackKind.KIND_AUDIO) return;
    const identity = participant.identity;
    heard.add(identity);
    onNote(`the ear receives ${identity}`);
    const reader = new AudioStream(track, SAMPLE_RATE, 1).getReader();
    readers.push(reader);
    void (async () => {
      let block: Block = { squares: 0, count: 0 };
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done || !value) return;
        for (const s of value.data) {
          block.squares += (s / 32768) ** 2;
          if (++block.count === BLOCK_SAMPLES) {
            let list = pending.get(identity);
            if (!list) pending.set(identity, (list = []));
            list.push(block);
            block = { squares: 0, count: 0 };
          }
        }
      }
    })();
  });
  await timeout(room.connect(grant.url, grant.token, { autoSubscribe: true, dynacast: false }), 20_000, 'the ear joins the SFU');
  return {
    room,
    takeAll() {
      const taken = new Map(pending);
      pending.clear();
      return taken;
    },
    heard: () => heard,
    async close() {
      closing = true;
      await Promise.all(readers.map((r) => r.cancel().catch(() => {})));
      await room.disconnect().catch(() => {});
    },
  };
}
