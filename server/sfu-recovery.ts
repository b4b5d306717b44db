// What the space server does about the SFU's health (server/livekit/health.ts): everyone in every room is told at
// once when it changes — the host must never broadcast into silence unknowingly — and when the SFU is back after
// being unavailable, every connected member of every live space gets a fresh media grant (carrying the new epoch)
// and every room is re-checked at once, so who may speak, who is muted and who is removed hold on the new process.
// It also rate-limits the `media` message, with which a client whose SDK gave up asks for a grant of its own.
// Epochs as clients see them start at this server's start time (ms): a restarted space server (and with it, in the
// studio, a new livekit-server) never hands out an epoch a client already holds from the process before.
import { PodiumError } from '../common/result';
import type { SfuHealth, SfuHealthState } from './livekit/health';
import { send, type Member, type Session, type SpaceRoom } from './room';

/** A member may ask for a fresh grant this often (ms): a client asking in a loop gets one, not one per message. */
export const MEDIA_REQUEST_EVERY_MS = 2_000;

export interface SfuRecovery {
  /** The epoch grants are minted in now. */
  epoch(): number;
  /** Sends the SFU's health to a session that just joined (right after `joined`). */
  greet(session: Session): void;
  /** Whether the SFU is serving: the enforcer's sweep waits otherwise. */
  up(): boolean;
  /** The `media` message: `grant` runs at most once per member every MEDIA_REQUEST_EVERY_MS. Throws a PodiumError. */
  requestMedia(member: Member, grant: () => Promise<void>): Promise<void>;
  stop(): void;
}

export function startSfuRecovery(deps: {
  health: SfuHealth;
  rooms: () => Iterable<SpaceRoom>;
  /** Mints and sends a member a fresh grant (nothing for a space that is not live). */
  regrant: (room: SpaceRoom, member: Member) => Promise<void>;
  /** Checks every room on the SFU against who may be there now. */
  sweep: () => Promise<void>;
  log: (line: string) => void;
  now: () => number;
  /** What epoch 0 of the health source is to clients; default: now(), so each process has epochs of its own. */
  epochBase?: number;
}): SfuRecovery {
  const base = deps.epochBase ?? deps.now();
  const shown = (state: SfuHealthState): SfuHealthState => ({ ...state, epoch: base + state.epoch });
  let last = shown(deps.health.state());
  // Per member object, so a member forgotten by its room is forgotten here too.
  const lastRequest = new WeakMap<Member, number>();

  async function recover(state: SfuHealthState): Promise<void> {
    const grants: Promise<void>[] = [];
    for (const room of deps.rooms()) {
      for (const member of room.members.values()) {
        if (member.sessions.size === 0) continue;
        grants.push(
          deps.regrant(room, member).catch((error: unknown) => {
            deps.log(`fresh media grant for ${member.id}: ${error instanceof Error ? error.message : String(error)}`);
          }),
        );
      }
    }
    await Promise.all(grants);
    deps.log(`the audio server is back (epoch ${state.epoch}): ${grants.length} fresh media grants sent; checking every room`);
    await deps.sweep();
  }

  const unsubscribe = deps.health.subscribe((change) => {
    const previous = last;
    const state = shown(change);
    last = state;
    const message = { type: 'sfu' as const, sfu: state };
    for (const room of deps.rooms()) room.broadcast(message);
    if (state.status === 'up' && state.epoch !== previous.epoch) void recover(state);
  });

  return {
    epoch: () => last.epoch,
    greet(session) {
      send(session, { type: 'sfu', sfu: last });
    },
    up: () => last.status === 'up',
    async requestMedia(member, grant) {
      if (last.status === 'failed') {
        throw new PodiumError('unavailable', "The audio server stopped and could not be started again; the host's studio has to be restarted.");
      }
      if (last.status !== 'up') {
        throw new PodiumError('unavailable', 'The audio server is restarting; a fresh connection is sent to you as soon as it is back.');
      }
      const at = deps.now();
      const previous = lastRequest.get(member);
      if (previous !== undefined && at - previous < MEDIA_REQUEST_EVERY_MS) {
        throw new PodiumError('rate_limited', 'a fresh audio connection was just sent to you; wait a moment before asking again');
      }
      lastRequest.set(member, at);
      await grant();
    },
    stop: unsubscribe,
  };
}
