// The studio's actions. It talks to main through the contract (window.podium or the web bridge), to the space server
// through one space session (openSpaceSession), and to the SFU through media.ts; React components only read the
// store and call these actions.
import { isDesktopCommand } from '../../common/desktop';
import type { HostedSpace, PodiumApi, ShortcutStatus } from '../../common/ipc';
import type { ModAction } from '../../common/moderation';
import type { ClientMessage } from '../../common/protocol';
import type { Result } from '../../common/result';
import { createProcessingController } from '../audio/processing';
import { getPodium, onServicesStatus } from '../bridge/index';
import { hasUsedServer } from '../state/client-keys';
import { openSpaceSession, type SessionView, type SpaceSession } from '../state/space-session';
import { needsTrustPrompt, parseCohostInvite, serverLabel, type CohostInvite } from './invite-link';
import { initRecording, recording } from '../recording/controller';
import { initEvidence } from '../reports/evidence';
import { createStore } from '../state/store';
import { createStateSender, desktopStateOf } from './desktop-state';
import { createRegrantLoop, type RegrantLoop } from '../sfu/recovery';
import { applyGrant, disconnectMedia, initMedia, micTrack, remoteAudio, resumeAudio, toggleMute as toggleMediaMute } from './media';
import { initDevices, startMicrophone, stopMicrophone } from './microphone';
import { studio, type SpaceTarget } from './studio-store';
import { errorCoveredByBanner, studioLive } from './health';
import { EMPTY_SPEAKING, stepSpeaking } from '../state/speaking-time';
import { initSchedule, schedule } from './schedule';

export { studio, currentSpace, isModeratorRole, type SpaceTarget, type StudioMode, type StudioState } from './studio-store';
export { micLevel, resumeAudio } from './media';
export { chooseMonitorOutput, devices, dismissDeviceNotice, startMicrophone, type DevicesView } from './microphone';

declare global {
  interface Window {
    /** Electron only: commands from the tray and the global mute shortcut (preload, on DESKTOP_COMMAND_CHANNEL). */
    podiumDesktop?: { onCommand(callback: (command: unknown) => void): () => void };
  }
}

/** The desktop's global mute shortcut, for the microphone card; null in the web studio (a tab has none). */
export const shortcut = createStore<{ status: ShortcutStatus | null }>({ status: null });

let podium: PodiumApi;
let session: SpaceSession | null = null;
let stopSession: (() => void) | null = null;
/** Asks for a fresh media grant while the SDK has given up and the audio server is up (renderer/sfu/recovery.ts). */
let regrant: RegrantLoop | null = null;

/** The microphone's processing settings, remembered by main per device label. */
export const processing = createProcessingController({
  load: async (deviceKey) => {
    const result = await podium['audio:getProcessing']({ deviceKey });
    return result.ok ? result.value : null;
  },
  save: async (deviceKey, settings) => {
    const result = await podium['audio:setProcessing']({ deviceKey, settings });
    return result.ok ? null : result.error.message;
  },
});

/** The contract, for components that call it directly (the recordings library). */
export function podiumApi(): PodiumApi {
  return podium;
}

function unwrap<T>(result: Result<T>): T | null {
  if (result.ok) return result.value;
  // The studio's services are gone or restarting: the connection banner says so already, once.
  if (!errorCoveredByBanner(result.error.code, studio.get())) studio.set({ error: result.error.message });
  return null;
}

/**
 * What the studio shows first. A page opened (or reloaded) while the shell restarts the services is answered
 * `unavailable`: it waits for them to run again (or retries every few seconds) instead of staying blank.
 */
async function loadStudio(): Promise<boolean> {
  for (;;) {
    const [info, settings, recent] = await Promise.all([podium['app:info'](), podium['settings:get'](), podium['spaces:list']()]);
    const s = studio.get();
    const restarting = !info.ok && info.error.code === 'unavailable' && s.services.state !== 'failed' && !s.bridgeLost;
    if (!restarting) {
      studio.set({ info: unwrap(info), settings: unwrap(settings), recent: unwrap(recent) ?? [], ready: info.ok });
      return info.ok;
    }
    await servicesRunning(3000);
  }
}

function servicesRunning(maxWaitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, maxWaitMs);
    const off = studio.subscribe(() => {
      if (studio.get().services.state === 'running') done();
    });
  });
}

export async function initStudio(audioSink: HTMLElement): Promise<void> {
  // A lost bridge is the connection banner's to tell: an error banner saying the same would be a second one.
  podium = getPodium((reason) => studio.set({ bridgeLost: reason, error: null }));
  onServicesStatus((services) => studio.set(services.state === 'running' ? { services } : { services, error: null }));
  initSpeakingClock();
  recording.subscribe(releaseMicWhenIdle);
  initMedia(audioSink);
  initRecording({ podium: () => podium, studio, micTrack, remoteAudio, sendToSpace: (message) => sendToSpace(message) });
  initEvidence({ podium: () => podium, studio, remoteAudio });
  if (!(await loadStudio())) return;
  initSchedule(
    podium,
    (spaceId) => void openSpace(spaceId),
    () =>
      void podium['spaces:list']().then((recent) => {
        if (recent.ok) studio.set({ recent: recent.value });
      }),
  );
  const remembered = studio.get().settings;
  initDevices(podium, processing, { microphone: remembered?.microphone ?? null, output: remembered?.output ?? null });
  await startMicrophone(remembered?.microphone?.deviceId ?? null);
  initDesktop();
}

// ---- speaking time and the microphone's life -----------------------------------------------------------------------

/** Credits speaking time to whoever the SFU says is speaking, while this studio is live on the call. */
function initSpeakingClock(): void {
  studio.subscribe(() => {
    const s = studio.get();
    const next = stepSpeaking(s.speaking, s.sfu.activeSpeakers, Date.now(), studioLive(s) && s.sfu.connection === 'connected');
    if (next !== s.speaking) studio.set({ speaking: next });
  });
}

/** The space ended or was left: the microphone goes off once nothing else (a recording) needs it. */
let micReleaseDue = false;

function releaseMicWhenIdle(): void {
  if (!micReleaseDue) return;
  const s = studio.get();
  const status = s.view?.space?.status ?? s.target?.space?.status;
  const spaceNeedsMic = s.target !== null && status !== 'ended' && !s.view?.removed;
  if (spaceNeedsMic) {
    micReleaseDue = false;
    return;
  }
  if (recording.get().phase !== 'idle') return;
  micReleaseDue = false;
  micClosed = true;
  void stopMicrophone().then(() => studio.set({ micResting: micClosed }));
}

/** The studio closed the microphone itself (not a failure, not before the first start). */
let micClosed = false;

function releaseMicSoon(): void {
  micReleaseDue = true;
  releaseMicWhenIdle();
}

/** A space needs the microphone (to check it before going live, or to talk): open it again if it was closed. */
function ensureMicrophone(): void {
  micReleaseDue = false;
  if (!micClosed) return;
  micClosed = false;
  studio.set({ micResting: false });
  void startMicrophone(studio.get().settings?.microphone?.deviceId ?? null);
}

/** The lobby's "Turn the microphone on" (a mic check between spaces). */
export function turnMicrophoneOn(): void {
  ensureMicrophone();
}

// ---- the desktop shell: tray, global mute shortcut, notifications ------------------------------------------------

/**
 * Reports the studio's state to main (desktop:state) as it changes, and takes the tray's and the global shortcut's
 * commands. The web studio's main side ignores the reports but answers them, which keeps one code path.
 */
function initDesktop(): void {
  const sender = createStateSender((state) => {
    void podium['desktop:state'](state).then((result) => {
      if (result.ok) shortcut.set({ status: result.value.shortcut });
    });
  });
  const update = () => {
    // The latest due reminder of a scheduled space: the desktop shell tells it once (the web studio's page does itself).
    const soon = schedule.get().reminders.at(-1);
    const reminder = soon ? { reminderSpaceId: soon.id, reminderTitle: soon.title.slice(0, 200) } : {};
    sender.update({ ...desktopStateOf(studio.get(), recording.get()), ...reminder });
  };
  studio.subscribe(update);
  recording.subscribe(update);
  schedule.subscribe(update);
  update();
  window.podiumDesktop?.onCommand((command) => {
    if (!isDesktopCommand(command)) return;
    if (command === 'toggleMute') void toggleMute();
    else endSpace();
  });
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

// ---- the space session -------------------------------------------------------------------------------------------

/** Reacts to what the space server said: media grants, the end of the space, refusals. */
function onView(target: SpaceTarget, view: SessionView, prev: SessionView | null): void {
  studio.set({ view });
  if (view.media && view.media !== prev?.media) void applyGrant(view.media, target.mode, view.you?.mutedBy ?? null);
  const status = view.space?.status;
  if (status === 'ended' && prev?.space?.status !== 'ended') {
    void disconnectMedia();
    studio.set({ busy: null, details: { saving: null, error: null } });
    releaseMicSoon();
  }
  if (view.removed && !prev?.removed) {
    void disconnectMedia();
    releaseMicSoon();
  }
  const saving = studio.get().details.saving;
  if (saving && view.space && view.space !== prev?.space && detailsApplied(saving, view.space)) studio.set({ details: { saving: null, error: null } });
  if (view.error && view.error !== prev?.error) {
    studio.set({ busy: null });
    if (view.seatRevoked) {
      // The host removed this co-host and a reconnect presented the revoked seat: back to the lobby, told why.
      void disconnectMedia();
      failJoin(view.error.message, false);
    } else if (target.mode === 'cohost' && !view.space && view.error.code === 'forbidden') {
      // A refused invite never gets a space: back to the lobby with the reason.
      failJoin(view.error.message);
    }
  }
  if (view.notFound && !prev?.notFound) {
    if (target.mode === 'cohost') failJoin('There is no space at this link any more. Ask the host for a new invite.');
    else studio.set({ error: 'This space no longer exists on the space server.' });
  }
  if (view.space && !prev?.space && studio.get().busy === 'join') studio.set({ busy: null });
}

function failJoin(message: string, prefix = true): void {
  detach();
  studio.set({ target: null, view: null, busy: null, joinError: prefix ? `Could not join as co-host: ${message}` : message });
}

function detach(): void {
  stopSession?.();
  stopSession = null;
  regrant?.stop();
  regrant = null;
  session?.close();
  session = null;
}

function attach(target: SpaceTarget): void {
  detach();
  studio.set({ target, view: null, error: null, joinError: null, speaking: EMPTY_SPEAKING, details: { saving: null, error: null } });
  if (target.space?.status !== 'ended') ensureMicrophone();
  const s = openSpaceSession({
    url: target.protocolUrl,
    spaceId: target.spaceId,
    credential: target.credential,
    credentialKind: target.mode === 'host' ? 'host' : 'invite',
    name: studio.get().settings?.hostName,
  });
  session = s;
  let prev: SessionView | null = null;
  const update = () => {
    const view = s.store.get();
    if (view === prev || session !== s) return;
    if (view.error && view.error !== prev?.error && view.error.ref === DETAILS_REF) {
      // A refused title or description is said next to the fields, not in the studio's error banner.
      studio.set({ details: { saving: null, error: view.error.message } });
      s.store.set({ error: null });
      return;
    }
    const before = prev;
    prev = view;
    onView(target, view, before);
  };
  const loop = createRegrantLoop(
    () => {
      const st = studio.get();
      const v = st.view;
      return {
        live: v?.space?.status === 'live' && !v.removed,
        protocolOpen: v?.status === 'open',
        hasGrant: v?.media != null,
        sfuUp: !v?.sfu || v.sfu.status === 'up',
        connection: st.sfu.connection,
      };
    },
    () => s.send({ type: 'media' }),
  );
  regrant = loop;
  const offSession = s.store.subscribe(update);
  // The SFU snapshot lives in the studio store: every change there may start or end the asking.
  const offStudio = studio.subscribe(() => loop.update());
  stopSession = () => {
    offSession();
    offStudio();
  };
  update();
}

function hostTarget(hosted: HostedSpace): SpaceTarget {
  return { mode: 'host', spaceId: hosted.space.id, shareUrl: hosted.shareUrl, protocolUrl: hosted.protocolUrl, credential: hosted.credential, space: hosted.space };
}

/**
 * Creates a space and opens it. `hostName`: the name the lobby asked for (the first space): saved first, so the
 * space and everything listeners read carry it.
 */
export async function createSpace(title: string, description: string, hostName?: string): Promise<void> {
  studio.set({ busy: 'create', error: null });
  if (hostName !== undefined && !(await setHostName(hostName))) {
    studio.set({ busy: null });
    return;
  }
  const hosted = unwrap(await podium['spaces:create']({ title, description }));
  studio.set({ busy: null });
  if (hosted) {
    studio.set({ lobbyPrefill: null });
    attach(hostTarget(hosted));
  }
}

export async function openSpace(spaceId: string): Promise<void> {
  const hosted = unwrap(await podium['spaces:open']({ spaceId }));
  if (hosted) attach(hostTarget(hosted));
}

/** Servers this studio has joined a space on before: it holds a client key for them. */
const usedServers = { has: (origin: string) => hasUsedServer(localStorage, origin, location.origin) };

/**
 * Joins someone else's space with the co-host invite link they sent — at once on a server this studio knows (its
 * own, or one joined before), otherwise after the person confirms (trustPrompt). Returns an error to show, or null.
 */
export function joinAsCohost(link: string): string | null {
  const parsed = parseCohostInvite(link);
  if (!parsed.ok) return parsed.message;
  const { invite } = parsed;
  if (needsTrustPrompt(invite.origin, studio.get().info?.spaceServerUrl, usedServers)) {
    studio.set({ trustPrompt: { invite, server: serverLabel(invite.origin) }, joinError: null });
    return null;
  }
  joinInvite(invite);
  return null;
}

/** The person trusts the invite's server: join (which also remembers the server, by giving it a client key). */
export function confirmTrust(): void {
  const prompt = studio.get().trustPrompt;
  studio.set({ trustPrompt: null });
  if (prompt && !studio.get().target) joinInvite(prompt.invite);
}

export function cancelTrust(): void {
  studio.set({ trustPrompt: null });
}

function joinInvite(invite: CohostInvite): void {
  studio.set({ busy: 'join' });
  attach({ mode: 'cohost', spaceId: invite.spaceId, shareUrl: invite.shareUrl, protocolUrl: invite.protocolUrl, credential: invite.key, space: null });
}

/** M, the Mute button, the tray and the global shortcut. Unmuting tells the space server, which forgets who muted us. */
export async function toggleMute(): Promise<void> {
  const muted = await toggleMediaMute();
  if (muted === false) session?.send({ type: 'unmuted' });
}

export function sendToSpace(message: ClientMessage): void {
  session?.send(message);
}

export function moderate(action: ModAction, target: string): void {
  session?.send({ type: 'mod', action, target });
}

/** Changes the local view (dismissing a notice, dropping a finished reaction). */
export function updateView(change: (view: SessionView) => Partial<SessionView>): void {
  session?.store.set(change);
}

export function goLive(): void {
  const s = studio.get();
  const space = s.view?.space;
  if (!space || space.status !== 'scheduled' || s.target?.mode !== 'host') return;
  if (s.mic.status !== 'on') {
    studio.set({ error: 'Start a microphone before going live.' });
    return;
  }
  studio.set({ busy: 'golive', error: null });
  void resumeAudio();
  session?.send({ type: 'start' });
}

export function endSpace(): void {
  const s = studio.get();
  if (s.view?.space?.status !== 'live' || s.target?.mode !== 'host') return;
  studio.set({ busy: 'end' });
  session?.send({ type: 'end' });
}

/** The title or description a moderator edits, live or before: the server answers with the new `space` (or a refusal). */
const DETAILS_REF = 'details';

function detailsApplied(sent: { title?: string; description?: string }, space: { title: string; description: string }): boolean {
  return (sent.title === undefined || sent.title === space.title) && (sent.description === undefined || sent.description === space.description);
}

/** Sends the changed fields only; returns false when there is nothing to send. */
export function saveDetails(change: { title?: string; description?: string }): boolean {
  const space = studio.get().view?.space;
  if (!session || !space || space.status === 'ended') return false;
  const sent: { title?: string; description?: string } = {};
  if (change.title !== undefined && change.title !== space.title) sent.title = change.title;
  if (change.description !== undefined && change.description !== space.description) sent.description = change.description;
  if (sent.title === undefined && sent.description === undefined) return false;
  studio.set({ details: { saving: sent, error: null } });
  session.send({ type: 'details', ref: DETAILS_REF, ...sent });
  return true;
}

export function clearDetailsError(): void {
  studio.set({ details: { saving: null, error: null } });
}

/** "Start another like this": back to the lobby with this space's title and description in the fields. */
export async function startAnotherLike(space: { title: string; description: string }): Promise<void> {
  studio.set({ lobbyPrefill: { title: space.title, description: space.description } });
  await leaveSpace();
}

export async function leaveSpace(): Promise<void> {
  detach();
  const wasIn = studio.get().target !== null;
  studio.set({ target: null, view: null, busy: null, error: null });
  if (wasIn) releaseMicSoon();
  await disconnectMedia();
  const recent = await podium['spaces:list']();
  studio.set({ recent: unwrap(recent) ?? [] });
}

export function dismissError(): void {
  studio.set({ error: null });
  session?.store.set({ error: null });
}
