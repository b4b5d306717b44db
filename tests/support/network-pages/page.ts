// Browser entry of the bad-network test page (built by tests/support/network-page.ts). A speaker publishes Chromium's
// fake microphone through the studio's own LiveKit adapter (renderer/sfu/livekit.ts), so what is measured is the
// studio's publish path with a chosen protection set; a listener subscribes through the same adapter, as the
// listener page does, and records what it plays in 20 ms blocks.
import type { MediaGrant } from '../../../common/protocol';
import type { SfuAdapter } from '../../../renderer/sfu/adapter';
import { createLivekitAdapter } from '../../../renderer/sfu/livekit';
import type { NetworkPageApi, ReceiveStats } from './api';
import { setProtection } from './protection-override';
import { withOpusFec } from './sdp';

// Every peer connection the SDK makes, for its statistics.
const connections: RTCPeerConnection[] = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    connections.push(this);
  }
} as typeof RTCPeerConnection;

let fecOff = false;
const nativeSetRemote = NativePeerConnection.prototype.setRemoteDescription as (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) => Promise<void>;
// The encoder's FEC follows the remote description's useinbandfec (what the SFU says it wants to receive), and there
// is no publish option for it: the only way to measure "FEC off" is to edit the SFU's answer.
NativePeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) {
  const edited = fecOff && description?.sdp ? { type: description.type, sdp: withOpusFec(description.sdp, false) } : description;
  return nativeSetRemote.call(this, edited);
} as typeof NativePeerConnection.prototype.setRemoteDescription;

let adapter: SfuAdapter | null = null;
let mic: MediaStream | null = null;
const sink = document.body;

async function statsOf(type: 'outbound-rtp' | 'inbound-rtp'): Promise<{ rtp: Record<string, unknown>[]; codecs: Map<string, Record<string, unknown>> }> {
  const rtp: Record<string, unknown>[] = [];
  const codecs = new Map<string, Record<string, unknown>>();
  for (const pc of connections) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'codec') codecs.set(s.id as string, s);
      if (s.type === type && s.kind === 'audio') rtp.push(s);
    });
  }
  return { rtp, codecs };
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

const api: NetworkPageApi = {
  async speak({ url, token, identity, protection }) {
    const chosen = setProtection(protection);
    fecOff = !chosen.fec;
    adapter = createLivekitAdapter(sink);
    const grant: MediaGrant = { url, token, identity, canPublish: true };
    await adapter.connect(grant);
    // The fake microphone as it is: the studio's stage is not what is being measured here.
    mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    await adapter.publishMicrophone(mic.getAudioTracks()[0]!);
    let codec = '';
    for (let i = 0; i < 100 && !codec; i++) {
      const { rtp, codecs } = await statsOf('outbound-rtp');
      const c = rtp.map((s) => codecs.get(s.codecId as string)).find(Boolean);
      if (c) codec = `${String(c.mimeType)} ${String(c.sdpFmtpLine ?? '')}`.trim();
      else await new Promise((r) => setTimeout(r, 100));
    }
    return { codec, protection: { ...chosen } };
  },

  async listen({ url, token, identity }) {
    adapter = createLivekitAdapter(sink);
    await adapter.connect({ url, token, identity, canPublish: false });
    await adapter.startAudio();
    for (let i = 0; i < 300; i++) {
      if (sink.querySelector('audio[data-podium-remote-audio]')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no remote audio within 30 s');
  },

  async record({ seconds, untilSoundDb, timeoutMs }) {
    const el = sink.querySelector<HTMLAudioElement>('audio[data-podium-remote-audio]');
    if (!el || !(el.srcObject instanceof MediaStream)) throw new Error('no remote audio element');
    // Tapped from the element's stream: a remote WebRTC track reaches Web Audio only while an element plays it.
    const ctx = new AudioContext({ sampleRate: 48000 });
    await ctx.resume();
    const source = ctx.createMediaStreamSource(el.srcObject);
    const processor = ctx.createScriptProcessor(1024, 1, 1);
    const env: number[] = [];
    const level = untilSoundDb === undefined ? Infinity : 10 ** (untilSoundDb / 20);
    let sum = 0;
    let count = 0;
    const met = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      processor.onaudioprocess = (e) => {
        const d = e.inputBuffer.getChannelData(0);
        for (let i = 0; i < d.length; i++) {
          sum += d[i]! * d[i]!;
          if (++count === 960) {
            const rms = Math.sqrt(sum / 960);
            env.push(rms);
            sum = 0;
            count = 0;
            if (rms > level || (untilSoundDb === undefined && env.length >= seconds * 50)) {
              clearTimeout(timer);
              resolve(true);
              return;
            }
          }
        }
      };
      source.connect(processor);
      processor.connect(ctx.destination);
    });
    processor.onaudioprocess = null;
    processor.disconnect();
    source.disconnect();
    await ctx.close();
    return { env, met };
  },

  async receiveStats() {
    const { rtp, codecs } = await statsOf('inbound-rtp');
    const total: ReceiveStats = {
      codec: rtp.map((s) => String(codecs.get(s.codecId as string)?.mimeType ?? '')).join(','),
      packetsReceived: 0,
      packetsLost: 0,
      concealedSamples: 0,
      silentConcealedSamples: 0,
      totalSamplesReceived: 0,
      insertedSamplesForDeceleration: 0,
      removedSamplesForAcceleration: 0,
      fecPacketsReceived: 0,
      nackCount: 0,
      jitterBufferDelay: 0,
      jitterBufferEmittedCount: 0,
    };
    for (const s of rtp) {
      for (const key of Object.keys(total) as (keyof ReceiveStats)[]) {
        if (key !== 'codec') total[key] += num(s[key]);
      }
    }
    return total;
  },

  async leave() {
    await adapter?.disconnect();
    for (const t of mic?.getTracks() ?? []) t.stop();
    adapter = null;
    mic = null;
  },
};

window.podiumNetworkPage = api;
