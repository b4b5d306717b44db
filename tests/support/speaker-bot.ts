// A speaker made of plain parts: a space-protocol client that joins as a listener, raises a hand and, once a host
// approves it, publishes a microphone on the real SFU with @livekit/rtc-node and says a WAV file in real time.
// Callers close() it, and call rtc-node's dispose() once at the end.
import { AudioFrame, AudioSource, LocalAudioTrack, Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import type { MediaGrant } from '../../common/protocol';
import { readWavMono16 } from './fixtures';
import { SAMPLE_RATE, timeout } from './rtc-bot';
import { connect, type TestClient } from './ws-client';

const FRAME = SAMPLE_RATE / 100;

export interface SpeakerBot {
  client: TestClient;
  participantId: string;
  /** Waits for the approval, then joins the SFU with a microphone. */
  goOnStage(): Promise<void>;
  /** Says the file once, in real time; resolves when it has been said. */
  say(): Promise<void>;
  close(): Promise<void>;
}

export async function speakerBot(protocolUrl: string, spaceId: string, name: string, wavFile: string): Promise<SpeakerBot> {
  const client = await connect(protocolUrl);
  const key = `bot-${name.toLowerCase()}-${Math.random().toString(36).slice(2, 14)}`.padEnd(20, 'x');
  client.send({ type: 'join', spaceId, key, name });
  const joined = (await client.next((m) => m.type === 'joined')) as { participantId: string };
  client.send({ type: 'hand', raised: true });
  // Like a listener page: on the SFU from the start with a listener's grant; approval upgrades it there, live.
  const grant = (await client.next((m) => m.type === 'media', 15_000)) as { media: MediaGrant };
  const room = new Room();
  await timeout(room.connect(grant.media.url, grant.media.token, { autoSubscribe: false, dynacast: false }), 15_000, `${name} joins the SFU`);
  const samples = readWavMono16(wavFile).samples;
  const pcm = Int16Array.from(samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
  let mic: { source: AudioSource; track: LocalAudioTrack; options: TrackPublishOptions } | null = null;
  return {
    client,
    participantId: joined.participantId,
    async goOnStage() {
      // The space server says "speaker" only after LiveKit has granted publishing to this very connection.
      await client.next((m) => m.type === 'you' && m.you.role === 'speaker', 20_000);
      // A deep queue (3 s): the bot runs in the test's own busy process, and a stalled event loop must not turn into
      // gaps in what it says — the recording should show what the studio did, not what the test harness did.
      const source = new AudioSource(SAMPLE_RATE, 1, 3000);
      mic = { source, track: LocalAudioTrack.createAudioTrack('mic', source), options: new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }) };
      await timeout(room.localParticipant!.publishTrack(mic.track, mic.options), 15_000, `${name} publishes`);
    },
    async say() {
      if (!mic) throw new Error(`${name} is not on stage`);
      for (let at = 0; at + FRAME <= pcm.length; at += FRAME) {
        // captureFrame paces itself to real time (it waits while its queue is full).
        await mic.source.captureFrame(new AudioFrame(pcm.slice(at, at + FRAME), SAMPLE_RATE, 1, FRAME));
      }
      await mic.source.waitForPlayout();
    },
    async close() {
      await room.disconnect().catch(() => {});
      await mic?.track.close().catch(() => {});
      await client.close();
    },
  };
}
