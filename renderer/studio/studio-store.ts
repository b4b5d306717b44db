// The studio's plain state: what main told us, the microphone, the space this studio is in (as host or co-host)
// with its protocol view, and the SFU snapshot. Written by the controller; React only reads it.
import type { AppInfo, Settings } from '../../common/ipc';
import { SERVICES_RUNNING, type ServicesStatus } from '../../common/services-status';
import type { PublicSpace } from '../../common/space';
import type { AudioInput } from '../audio/pipeline';
import { INITIAL_SFU_SNAPSHOT, type SfuSnapshot } from '../sfu/adapter';
import type { SessionView } from '../state/space-session';
import { EMPTY_SPEAKING, type SpeakingClock } from '../state/speaking-time';
import { createStore } from '../state/store';
import type { CohostInvite } from './invite-link';

export type StudioMode = 'host' | 'cohost';

/** The space this studio holds: one it created (host), or one it joined from an invite link (co-host). */
export interface SpaceTarget {
  mode: StudioMode;
  spaceId: string;
  /** The link listeners open. */
  shareUrl: string;
  protocolUrl: string;
  credential: string;
  /** Known up front for the host (main has it); a co-host learns it when the server answers. */
  space: PublicSpace | null;
}

export interface StudioState {
  ready: boolean;
  bridgeLost: string | null;
  /** The studio's services process (space server, audio server, recorder) as the shell reports it. */
  services: ServicesStatus;
  info: AppInfo | null;
  settings: Settings | null;
  devices: AudioInput[];
  mic: { status: 'off' | 'starting' | 'on' | 'error'; label: string; error: string | null; stageError: string | null; suspended: boolean };
  recent: PublicSpace[];
  target: SpaceTarget | null;
  /** The space as the protocol describes it (null until a space is opened). */
  view: SessionView | null;
  sfu: SfuSnapshot;
  busy: 'create' | 'golive' | 'end' | 'join' | null;
  error: string | null;
  /** Why the last "Join as co-host" did not work (shown in the lobby). */
  joinError: string | null;
  /** A co-host invite for a server this studio has not used before, waiting for the person to say Join or Cancel. */
  trustPrompt: { invite: CohostInvite; server: string } | null;
  /** How long each person on stage has spoken in this space, as this studio heard it (renderer/state/speaking-time.ts). */
  speaking: SpeakingClock;
  /** A title/description edit on its way to the server, and the server's refusal of the last one. */
  details: { saving: { title?: string; description?: string } | null; error: string | null };
  /** "Start another like this": what the lobby's fields start with (null: empty). */
  lobbyPrefill: { title: string; description: string } | null;
  /** The studio closed the microphone because no space needed it (it opens again with the next space). */
  micResting: boolean;
}

export const studio = createStore<StudioState>({
  ready: false,
  bridgeLost: null,
  services: SERVICES_RUNNING,
  info: null,
  settings: null,
  devices: [],
  mic: { status: 'off', label: '', error: null, stageError: null, suspended: false },
  recent: [],
  target: null,
  view: null,
  sfu: INITIAL_SFU_SNAPSHOT,
  busy: null,
  error: null,
  joinError: null,
  trustPrompt: null,
  speaking: EMPTY_SPEAKING,
  details: { saving: null, error: null },
  lobbyPrefill: null,
  micResting: false,
});

export function currentSpace(s: StudioState): PublicSpace | null {
  return s.view?.space ?? s.target?.space ?? null;
}

export function isModeratorRole(role: string | null | undefined): boolean {
  return role === 'host' || role === 'cohost';
}
