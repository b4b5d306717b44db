// The studio's state and actions. It talks to main through the contract (window.podium or the web bridge), to the
// space server through the space protocol, and to the SFU through the adapter; React components only read the store
// and call these actions.
import type { AppInfo, HostedSpace, PodiumApi, Settings } from '../../common/ipc';
import type { ServerMessage } from '../../common/protocol';
import type { Result } from '../../common/result';
import type { PublicSpace } from '../../common/space';
import { listAudioInputs, openMicrophone, type AudioInput, type MicrophonePipeline } from '../audio/pipeline';
import { getPodium } from '../bridge/index';
import { INITIAL_SFU_SNAPSHOT, type SfuAdapter, type SfuSnapshot } from '../sfu/adapter';
import { createLivekitAdapter } from '../sfu/livekit';
import { connectSpace, type ConnectionStatus, type SpaceConnection } from '../state/space-connection';
import { createStore } from '../state/store';

export interface StudioState {
  ready: boolean;
  bridgeLost: string | null;
  info: AppInfo | null;
  settings: Settings | null;
  devices: AudioInput[];
  mic: { status: 'off' | 'starting' | 'on' | 'error'; label: string; error: string | null; stageError: string | null; suspended: boolean };
  recent: PublicSpace[];
  hosted: HostedSpace | null;
  space: PublicSpace | null;
  listenerCount: number;
  protocol: ConnectionStatus | 'idle';
  sfu: SfuSnapshot;
  selfIdentity: string | null;
  busy: 'create' | 'golive' | 'end' | null;
  error: string | null;
}

export const studio = createStore<StudioState>({
  ready: false,
  bridgeLost: null,
  info: null,
  settings: null,
  devices: [],
  mic: { status: 'off', label: '', error: null, stageError: null, suspended: false },
  recent: [],
  hosted: null,
  space: null,
  listenerCount: 0,
  protocol: 'idle',
  sfu: INITIAL_SFU_SNAPSHOT,
  selfIdentity: null,
  busy: null,
  error: null,
});

let podium: PodiumApi;
let pipeline: MicrophonePipeline | null = null;
let connection: SpaceConnection | null = null;
let sfu: SfuAdapter | null = null;

function unwrap<T>(result: Result<T>): T | null {
  if (result.ok) return result.value;
  studio.set({ error: result.error.message });
  return null;
}

export function micLevel(): { rmsDb: number; peakDb: number } | null {
  return pipeline ? pipeline.level() : null;
}

export async function initStudio(audioSink: HTMLElement): Promise<void> {
  podium = getPodium((reason) => studio.set({ bridgeLost: reason }));
  sfu = createLivekitAdapter(audioSink);
  sfu.subscribe((snap) => studio.set({ sfu: snap }));
  const [info, settings, recent] = await Promise.all([podium['app:info'](), podium['settings:get'](), podium['spaces:list']()]);
  studio.set({ info: unwrap(info), settings: unwrap(settings), recent: unwrap(recent) ?? [], ready: info.ok });
  if (!info.ok) return;
  await startMicrophone(studio.get().settings?.microphone?.deviceId ?? null);
  navigator.mediaDevices.addEventListener('devicechange', () => void refreshDevices());
}

async function refreshDevices(): Promise<void> {
  studio.set({ devices: await listAudioInputs() });
}

export async function startMicrophone(deviceId: string | null, remember = false): Promise<void> {
  studio.set((s) => ({ mic: { ...s.mic, status: 'starting', error: null } }));
  const previous = pipeline;
  try {
    const next = await openMicrophone(deviceId).catch((error: unknown) => {
      // A remembered device that is gone: fall back to the default rather than leaving the host without a mic.
      if (deviceId && (error as Error).name === 'OverconstrainedError') return openMicrophone(null);
      throw error;
    });
    pipeline = next;
    previous?.close();
    // Labels are only readable once a device is open, so list devices now, before showing the mic as on.
    await refreshDevices();
    studio.set({ mic: { status: 'on', label: next.deviceLabel, error: null, stageError: next.stageError, suspended: next.suspended } });
    if (remember) {
      const saved = unwrap(await podium['settings:setMicrophone']({ deviceId: next.deviceId, label: next.deviceLabel }));
      if (saved) studio.set({ settings: saved });
    }
    if (sfu && studio.get().sfu.publishing) await sfu.publishMicrophone(next.track);
  } catch (error) {
    const e = error as Error;
    const message =
      e.name === 'NotAllowedError'
        ? 'Podium may not use the microphone. Allow microphone access for this page, then pick a microphone again.'
        : e.name === 'NotFoundError'
          ? 'No microphone was found. Plug one in and it will appear here.'
          : `The microphone could not start: ${e.message}`;
    studio.set((s) => ({ mic: { ...s.mic, status: 'error', error: message } }));
  }
}

/** Browsers keep audio suspended until the first click; any click in the studio resumes the meter. */
export async function resumeAudio(): Promise<void> {
  if (pipeline?.suspended) {
    await pipeline.resume();
    studio.set((s) => ({ mic: { ...s.mic, suspended: pipeline?.suspended ?? false } }));
  }
}

export async function setLivekit(request: Parameters<PodiumApi['settings:setLivekit']>[0]): Promise<boolean> {
  const saved = unwrap(await podium['settings:setLivekit'](request));
  if (saved) studio.set({ settings: saved, error: null });
  return saved !== null;
}

export async function setHostName(hostName: string): Promise<boolean> {
  const saved = unwrap(await podium['settings:setHostName']({ hostName }));
  if (saved) studio.set({ settings: saved, error: null });
  return saved !== null;
}

function handleServer(message: ServerMessage): void {
  switch (message.type) {
    case 'joined':
      studio.set({ space: message.space, listenerCount: message.listenerCount, selfIdentity: message.participantId });
      return;
    case 'space': {
      const wasLive = studio.get().space?.status === 'live';
      studio.set({ space: message.space, listenerCount: message.listenerCount });
      if (message.space.status === 'ended' && wasLive) {
        void sfu?.disconnect();
        studio.set({ busy: null });
      }
      if (message.space.status === 'ended') studio.set({ busy: null });
      return;
    }
    case 'media':
      void goOnAir(message.media);
      return;
    case 'error':
      studio.set({ error: message.message, busy: null });
      return;
    case 'pong':
      return;
    default:
      return;
  }
}

async function goOnAir(media: Extract<ServerMessage, { type: 'media' }>['media']): Promise<void> {
  if (!sfu || !pipeline) {
    studio.set({ error: 'Start a microphone before going live.', busy: null });
    return;
  }
  try {
    await sfu.connect(media);
    if (media.canPublish) await sfu.publishMicrophone(pipeline.track);
  } catch (error) {
    studio.set({ error: `Could not go on air: ${(error as Error).message}` });
  } finally {
    studio.set({ busy: null });
  }
}

function attach(hosted: HostedSpace): void {
  connection?.close();
  studio.set({ hosted, space: hosted.space, listenerCount: 0, error: null });
  connection = connectSpace({
    url: hosted.protocolUrl,
    join: { type: 'join', spaceId: hosted.space.id, credential: hosted.credential },
    onMessage: handleServer,
    onStatus: (status) => studio.set({ protocol: status }),
    isFinal: (m) => m.type === 'error' && (m.code === 'not_found' || m.code === 'forbidden'),
  });
}

export async function createSpace(title: string, description: string): Promise<void> {
  studio.set({ busy: 'create', error: null });
  const hosted = unwrap(await podium['spaces:create']({ title, description }));
  studio.set({ busy: null });
  if (hosted) attach(hosted);
}

export async function openSpace(spaceId: string): Promise<void> {
  const hosted = unwrap(await podium['spaces:open']({ spaceId }));
  if (hosted) attach(hosted);
}

export function goLive(): void {
  const { space, mic } = studio.get();
  if (!space || space.status !== 'scheduled') return;
  if (mic.status !== 'on') {
    studio.set({ error: 'Start a microphone before going live.' });
    return;
  }
  studio.set({ busy: 'golive', error: null });
  void resumeAudio();
  connection?.send({ type: 'start' });
}

export function endSpace(): void {
  if (studio.get().space?.status !== 'live') return;
  studio.set({ busy: 'end' });
  connection?.send({ type: 'end' });
}

export async function toggleMute(): Promise<void> {
  const { sfu: snap } = studio.get();
  if (!sfu || !snap.publishing) return;
  await sfu.setMicrophoneMuted(!snap.micMuted);
}

export async function leaveSpace(): Promise<void> {
  connection?.close();
  connection = null;
  await sfu?.disconnect();
  const recent = await podium['spaces:list']();
  studio.set({ hosted: null, space: null, listenerCount: 0, protocol: 'idle', recent: unwrap(recent) ?? [], error: null });
}

export function dismissError(): void {
  studio.set({ error: null });
}
