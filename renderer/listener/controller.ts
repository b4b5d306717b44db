// The listener page's state: the space (openSpaceSession over the space protocol), its audio (the SFU adapter) and,
// once a host brings this person up, their microphone. The only module-level state of the page lives here.
import { PROTOCOL_PATH, type MediaGrant } from '../../common/protocol';
import type { Reaction } from '../../common/moderation';
import type { ReportReason, ReportTarget } from '../../common/reports';
import type { Role } from '../../common/space';
import { openMicrophone, type MicrophonePipeline } from '../audio/pipeline';
import { INITIAL_SFU_SNAPSHOT, type SfuAdapter, type SfuSnapshot } from '../sfu/adapter';
import { createSfuAdapter } from '../sfu/select';
import { createRegrantLoop, grantDecision, republishMuted, type RegrantLoop } from '../sfu/recovery';
import { openSpaceSession, type SessionView, type SpaceSession } from '../state/space-session';
import { dismissNotice, EMPTY_VIEW } from '../state/space-view';
import { createStore } from '../state/store';
import { NAME_MAX } from '../../common/names';
import { cutGraphemes } from '../../common/text';
import { copyText, loadName, loadTicket, micErrorText, saveName, saveTicket, shareLink } from './browser';
import { ticketInFragment } from '../../common/tickets';
import { sentence } from '../ui/words';
import { inviteKeyIn, inviteLinks, pageModeFor, spaceIdIn, withoutInviteKey, type InviteLinks } from './invite';
import { watchAlerts } from './alerts';

export type MicState = 'off' | 'opening' | 'open';

export interface ListenerState {
  view: SessionView;
  sfu: SfuSnapshot;
  /** The path is not a space link at all. */
  badLink: boolean;
  /** The Listen click happened (audio may play). */
  listening: boolean;
  mic: MicState;
  micError: string | null;
  /** Set when a host muted this speaker, until they unmute. */
  hostMutedBy: string | null;
  /** A subtle one-line hint (e.g. reacting too fast), cleared after a moment. */
  hint: string | null;
  shared: 'copied' | 'failed' | null;
  name: string;
  /** The name field's last paste or typing was cut to NAME_MAX characters (until the next edit). */
  nameCut: boolean;
  /**
   * Opened from a co-host invite link: the page asks first (open in Podium, or join as a listener) and has not
   * joined. `links` is null when the key in the link is damaged.
   */
  invite: { links: InviteLinks | null; space?: { title: string; hostName: string } } | null;
  /** "Copy the invite" (the invite screen, or a host's offer). */
  inviteCopy: 'copied' | 'failed' | null;
  /** A ticket code the person entered is being checked by the server. */
  ticketChecking: boolean;
  /** The code the page last tried (from the link, this browser, or typed), to show again in the prompt. */
  ticketTried: string;
  /** The space the ticket prompt is for, from the server's public description (null until it answers). */
  ticketSpace: { title: string; hostName: string } | null;
}

const NAME_DEBOUNCE_MS = 1200;

export const listener = createStore<ListenerState>({
  view: { ...EMPTY_VIEW, status: 'connecting', attempt: 0 },
  sfu: INITIAL_SFU_SNAPSHOT,
  badLink: false,
  listening: false,
  mic: 'off',
  micError: null,
  hostMutedBy: null,
  hint: null,
  shared: null,
  name: loadName(),
  nameCut: false,
  invite: null,
  inviteCopy: null,
  ticketChecking: false,
  ticketTried: '',
  ticketSpace: null,
});

export const onStage = (role: Role | null | undefined): boolean => role === 'speaker' || role === 'cohost' || role === 'host';

let session: SpaceSession | null = null;
let sfu: SfuAdapter | null = null;
let pipeline: MicrophonePipeline | null = null;
let grant: MediaGrant | null = null;
/** Bumped by every connect, so a connect overtaken by a newer grant does not publish. */
let connectGeneration = 0;
/** This speaker's mute state as last seen on a working call (null: not publishing), kept for a fresh connect. */
let seatMuted: boolean | null = null;
/** Asks the space server for a fresh grant while the SDK has given up and the audio server is up. */
let regrant: RegrantLoop | null = null;
/** Bumped whenever the microphone is closed, so an open still in flight knows it is no longer wanted. */
let micGeneration = 0;
/** True while this page itself mutes the mic, so a mute we did not ask for is recognised as a host's. */
let selfMuting = false;
/** The name the server knows for us. */
let sentName = '';
const timers: {
  hint?: ReturnType<typeof setTimeout>;
  shared?: ReturnType<typeof setTimeout>;
  rename?: ReturnType<typeof setTimeout>;
  inviteCopy?: ReturnType<typeof setTimeout>;
} = {};

const cleanName = (raw: string): string => cutGraphemes(raw.trim(), NAME_MAX).text.trim();

/** Stops what initListener started (the space session and the audio), once it has started. */
let stopSpace: (() => void) | null = null;
let audioSinkElement: HTMLElement | null = null;
/** The invite key the page was opened with and still shows ('' for a damaged one), or null: a listener link. */
let pageInvite: string | null = null;

/** The invite in the address now: its key, '' for a damaged one, null for none. */
const inviteInAddress = (): string | null =>
  pageModeFor(location.pathname, location.hash) === 'invite' ? (inviteKeyIn(location.hash) ?? '') : null;

export function initListener(audioSink: HTMLElement): () => void {
  audioSinkElement = audioSink;
  const mode = pageModeFor(location.pathname, location.hash);
  if (mode === 'bad-link') {
    listener.set({ badLink: true });
    return () => {};
  }
  // A link pasted into this tab that differs only in its #fragment does not reload the page: an invite key that
  // appears or goes changes what the page is, so start afresh.
  pageInvite = inviteInAddress();
  const onHash = () => {
    if (inviteInAddress() !== pageInvite) location.reload();
  };
  window.addEventListener('hashchange', onHash);
  // A ticket link (#ticket=…): the code is kept by this browser for the space and taken out of the address bar, so
  // a share, a bookmark or a screenshot of the address never carries it (a fragment never reaches the server's logs).
  const fromLink = ticketInFragment(location.hash);
  const linkSpace = spaceIdIn(location.pathname);
  if (fromLink && linkSpace) {
    saveTicket(linkSpace, fromLink);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  if (pageInvite !== null) {
    listener.set({ invite: { links: pageInvite ? inviteLinks(location.origin, location.pathname, pageInvite) : null } });
    void describeInvite();
  } else {
    startSpace();
  }
  return () => {
    window.removeEventListener('hashchange', onHash);
    stopSpace?.();
    stopSpace = null;
  };
}

/** Which space the invite is for, from the server's public description (no join, no key): title and host. */
async function describeInvite(): Promise<void> {
  const found = await describeSpace();
  if (found) listener.set((s) => (s.invite ? { invite: { ...s.invite, space: found } } : {}));
}

/** The space's public description (title and host, as anyone with the link may see), or null. */
async function describeSpace(): Promise<{ title: string; hostName: string } | null> {
  const id = spaceIdIn(location.pathname);
  if (!id) return null;
  try {
    const res = await fetch(`/api/spaces/${id}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    const body = (await res.json()) as { space?: { title?: unknown; hostName?: unknown } };
    const { title, hostName } = body.space ?? {};
    if (typeof title !== 'string' || typeof hostName !== 'string') return null;
    return { title, hostName };
  } catch {
    // Without it the screen still says what the link is.
    return null;
  }
}

/**
 * "Join as a listener instead" on the invite screen: the key leaves the address bar (so a share, a bookmark or a
 * reload never carries it) and the page joins WITHOUT it, like any listener.
 */
export function joinAsListener(): void {
  if (!listener.get().invite || stopSpace) return;
  history.replaceState(history.state, '', withoutInviteKey(location.href));
  pageInvite = null;
  clearTimeout(timers.inviteCopy);
  listener.set({ invite: null, inviteCopy: null });
  startSpace();
}

/** Opens the space session (never with a credential: co-hosts moderate from the studio) and the audio. */
function startSpace(): void {
  const spaceId = spaceIdIn(location.pathname);
  if (!spaceId || !audioSinkElement) return;
  const adapter = createSfuAdapter(audioSinkElement);
  sfu = adapter;
  let prevSnap = adapter.snapshot();
  const offSfu = adapter.subscribe((snap) => {
    // A mute we did not ask for while publishing: a host's server-side mute.
    if (snap.micMuted && !prevSnap.micMuted && snap.publishing && !selfMuting) {
      listener.set((s) => ({ hostMutedBy: s.view.you?.mutedBy ?? s.hostMutedBy ?? 'A host' }));
    }
    if (snap.connection === 'connected' && snap.publishing) seatMuted = snap.micMuted;
    prevSnap = snap;
    listener.set({ sfu: snap });
    regrant?.update();
  });

  sentName = cleanName(listener.get().name);
  const ticket = loadTicket(spaceId);
  if (ticket) listener.set({ ticketTried: ticket });
  const opened = openSpaceSession({
    url: `${location.origin.replace(/^http/, 'ws')}${PROTOCOL_PATH}`,
    spaceId,
    ...(sentName ? { name: sentName } : {}),
    ...(ticket ? { ticket } : {}),
  });
  session = opened;
  regrant = createRegrantLoop(
    () => {
      const { view, sfu: snap } = listener.get();
      return {
        live: view.space?.status === 'live' && view.removed === null,
        protocolOpen: view.status === 'open',
        hasGrant: grant !== null,
        sfuUp: view.sfu === null || view.sfu.status === 'up',
        connection: snap.connection,
      };
    },
    () => opened.send({ type: 'media' }),
  );
  const joinName = sentName;
  let prev = opened.store.get();
  const offView = opened.store.subscribe(() => {
    const before = prev;
    const view = opened.store.get();
    prev = view;
    listener.set({ view, ...(view.ticket || view.space ? { ticketChecking: false } : {}) });
    // Refused at the door: a code that will never work is forgotten (a full space or a wait may pass), and this
    // session ends; the prompt starts a new one with the next code.
    if (view.ticket && !before.ticket) {
      if (view.ticket.reason !== 'full' && view.ticket.reason !== 'throttled') saveTicket(spaceId, null);
      queueMicrotask(() => stopSpace?.());
      if (!listener.get().ticketSpace) void describeSpace().then((found) => found && listener.set({ ticketSpace: found }));
    }
    react(before, view, joinName);
    regrant?.update();
  });
  const offAlerts = watchAlerts(listener);
  stopSpace = () => {
    offView();
    offAlerts();
    offSfu();
    regrant?.stop();
    regrant = null;
    for (const t of Object.values(timers)) clearTimeout(t);
    teardownAudio();
    opened.close();
    session = null;
    sfu = null;
  };
}

/** Side effects of a change in the space: audio, microphone, hints. */
function react(before: SessionView, view: SessionView, joinName: string): void {
  if (view.status === 'open' && before.status !== 'open' && sentName !== joinName && sentName) {
    // A reconnect re-joins with the name the page opened with: restore the one chosen since.
    session?.send({ type: 'rename', name: sentName });
  }
  const ended = view.space?.status === 'ended';
  if (view.removed !== null || ended) {
    if (before.removed === null && before.space?.status !== 'ended') teardownAudio();
    return;
  }
  if (view.media && view.media !== before.media) connectMedia(view.media);
  if (onStage(before.you?.role) && !onStage(view.you?.role)) closeMicrophone();
  const mutedBy = view.you?.mutedBy ?? null;
  if (mutedBy && mutedBy !== (before.you?.mutedBy ?? null)) listener.set({ hostMutedBy: mutedBy });
  if (view.error && view.error !== before.error && view.error.code === 'rate_limited') {
    showHint(sentence(view.error.message));
    session?.store.set({ error: null });
  }
}

function connectMedia(next: MediaGrant): void {
  const adapter = sfu;
  if (!adapter) return;
  const previous = grant;
  grant = next;
  // A re-join after a network blip sends a fresh grant for the same seat: keep the call that is up. A grant from a
  // restarted audio server (new epoch) while the call is down connects fresh (renderer/sfu/recovery.ts).
  if (grantDecision(previous, next, adapter.snapshot().connection, { reconnectOnPermission: false }) === 'keep') return;
  const generation = ++connectGeneration;
  adapter.connect(next).then(
    async () => {
      if (generation !== connectGeneration || adapter.snapshot().connection !== 'connected') return;
      // The Listen click earlier lets the page play again without a new one.
      if (listener.get().listening) await adapter.startAudio().catch(() => {});
      // Reconnected while on stage with the mic open: put it back as it was (muted if a host muted them since).
      const you = listener.get().view.you;
      if (pipeline && onStage(you?.role)) await publish(adapter, pipeline.track, republishMuted(seatMuted, you?.mutedBy ?? null, true));
    },
    () => {
      // The adapter's snapshot carries the error; the connection banner says what happens next.
    },
  );
}

async function publish(adapter: SfuAdapter, track: MediaStreamTrack, muted: boolean): Promise<void> {
  selfMuting = muted;
  try {
    await adapter.publishMicrophone(track, { muted });
  } finally {
    selfMuting = false;
  }
}

function teardownAudio(): void {
  closeMicrophone();
  grant = null;
  connectGeneration += 1;
  void sfu?.disconnect().catch(() => {});
}

function closeMicrophone(): void {
  micGeneration += 1;
  seatMuted = null;
  const p = pipeline;
  pipeline = null;
  listener.set({ mic: 'off', hostMutedBy: null, micError: null });
  const adapter = sfu;
  if (!p) return;
  const done = () => p.close();
  if (adapter?.snapshot().publishing) void adapter.unpublishMicrophone().catch(() => {}).finally(done);
  else done();
}

/** The Listen click: the gesture that lets the browser play audio. */
export async function listen(): Promise<void> {
  listener.set({ listening: true });
  await sfu?.startAudio().catch(() => {});
}

/** Unmute / Mute. The microphone is opened on the first Unmute, never before. */
export async function toggleMic(): Promise<void> {
  const adapter = sfu;
  const s = listener.get();
  if (!adapter || s.mic === 'opening' || !onStage(s.view.you?.role)) return;
  void listen();
  try {
    if (!pipeline) {
      const generation = ++micGeneration;
      listener.set({ mic: 'opening', micError: null });
      const opened = await openMicrophone(null);
      if (generation !== micGeneration) {
        opened.close();
        return;
      }
      pipeline = opened;
      listener.set({ mic: 'open' });
      await opened.resume().catch(() => {});
      await publish(adapter, opened.track, false);
      session?.send({ type: 'unmuted' });
      listener.set({ hostMutedBy: null });
      return;
    }
    const snap = adapter.snapshot();
    if (!snap.publishing) {
      await publish(adapter, pipeline.track, false);
      session?.send({ type: 'unmuted' });
      listener.set({ hostMutedBy: null, micError: null });
      return;
    }
    const mute = !snap.micMuted;
    selfMuting = mute;
    try {
      await adapter.setMicrophoneMuted(mute);
    } finally {
      selfMuting = false;
    }
    if (!mute) session?.send({ type: 'unmuted' });
    listener.set(mute ? { micError: null } : { hostMutedBy: null, micError: null });
  } catch (error) {
    listener.set({ mic: pipeline ? 'open' : 'off', micError: micErrorText(error) });
  }
}

/** Current level of this speaker's processed microphone, for the meter. */
export function micLevel(): { rmsDb: number; peakDb: number } | null {
  return pipeline?.level() ?? null;
}

export function setHand(raised: boolean): void {
  session?.send({ type: 'hand', raised });
}

export function sendReaction(emoji: Reaction): void {
  session?.send({ type: 'react', emoji });
}

let reportSeq = 0;
/**
 * Files a report; returns the ref its answer carries (the view's `reported` gets its key, or `error` this ref), or null
 * when the page is not connected to the space right now.
 */
export function sendReport(target: ReportTarget, reason: ReportReason, note: string): string | null {
  if (!session || !listener.get().view.participantId) return null;
  const ref = `report-${++reportSeq}`;
  session.send({ type: 'report', ref, target, reason, ...(note ? { note } : {}) });
  return ref;
}

export function closeNotice(id: number): void {
  session?.store.set((s) => dismissNotice(s, id));
}

export function dismissError(): void {
  session?.store.set({ error: null });
}

function showHint(text: string): void {
  clearTimeout(timers.hint);
  listener.set({ hint: text });
  timers.hint = setTimeout(() => listener.set({ hint: null }), 2500);
}

/** Typing in "Your name": saved at once, sent after a pause (or on Enter / leaving the field). */
export function editName(value: string): void {
  // Cut by what a reader counts as characters, never through an emoji; and say so, rather than drop a paste's end.
  const { text, cut } = cutGraphemes(value, NAME_MAX);
  listener.set({ name: text, nameCut: cut });
  saveName(cleanName(text));
  clearTimeout(timers.rename);
  timers.rename = setTimeout(commitName, NAME_DEBOUNCE_MS);
}

export function commitName(): void {
  clearTimeout(timers.rename);
  const name = cleanName(listener.get().name);
  if (!name || name === sentName || !session) return;
  sentName = name;
  session.send({ type: 'rename', name });
}

export async function share(): Promise<void> {
  const url = shareLink();
  const title = listener.get().view.space?.title ?? 'A live space on Podium';
  if (typeof navigator.share === 'function') {
    try {
      await navigator.share({ title, text: `Listen live: ${title}`, url });
      return;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      // Not allowed here (or no share targets): fall back to copying.
    }
  }
  const copied = await copyText(url);
  clearTimeout(timers.shared);
  listener.set({ shared: copied ? 'copied' : 'failed' });
  timers.shared = setTimeout(() => listener.set({ shared: null }), copied ? 2200 : 5000);
}

/** "Not now" on a host's co-host offer: the server withdraws it (the card goes when `you` says so). */
/** Follow (or stop following) this space's host: idempotent on the server, which answers with the new state. */
export function setFollowing(on: boolean): void {
  session?.send({ type: 'follow', ref: 'follow', on });
}

export function declineCohost(): void {
  session?.send({ type: 'cohostDecline' });
}

/** Copies the web invite link (the invite screen's, or the offer's) for a web studio's "Join as co-host". */
export async function copyInvite(webLink: string): Promise<void> {
  const copied = await copyText(webLink);
  clearTimeout(timers.inviteCopy);
  listener.set({ inviteCopy: copied ? 'copied' : 'failed' });
  // A failed copy leaves the link on screen to select by hand, until the next try.
  if (copied) timers.inviteCopy = setTimeout(() => listener.set({ inviteCopy: null }), 4000);
}

/** The ticket prompt's Enter: this code is tried with a fresh join (kept by this browser if it admits). */
export function submitTicket(code: string): void {
  const spaceId = spaceIdIn(location.pathname);
  const trimmed = code.trim();
  if (!spaceId || !trimmed || listener.get().ticketChecking) return;
  saveTicket(spaceId, trimmed);
  stopSpace?.();
  stopSpace = null;
  listener.set({ ticketChecking: true, ticketTried: trimmed });
  startSpace();
}
