// The space server's side of an SFU, whichever one it is: LiveKit (server/sfu/livekit.ts, through its admin API and
// signed tokens) or mediasoup (server/sfu/mediasoup/, whose workers this process runs and whose signalling it serves).
// The session hub and the enforcer only ever see this: grants for members, the admin hands, and the SFU's health.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Role } from '../../common/space';
import type { Entitlement } from '../enforcer';
import type { SfuAdmin } from '../livekit/admin';
import type { SfuHealth } from '../livekit/health';

export type SfuKind = 'livekit' | 'mediasoup';

export interface SfuGrantRequest {
  room: string;
  identity: string;
  name: string;
  role: Role;
}

export interface SfuGrant {
  sfu: SfuKind;
  /** Where the client's adapter connects: LiveKit's URL, or the space server's mediasoup signalling socket. */
  url: string;
  token: string;
}

/** Who an identity in a room is to the space server right now (null: not one of its spaces). */
export type EntitlementOf = (room: string, identity: string) => Entitlement | null;

export interface ServerSfu {
  kind: SfuKind;
  admin: SfuAdmin;
  /** Its own health, when it has one (mediasoup: worker up or restarting); null: the space server decides. */
  health: SfuHealth | null;
  grant(p: SfuGrantRequest): Promise<SfuGrant>;
  /** Hands the SFU the rule every request of its peers is judged by (the session hub's entitlement). */
  setEntitlement?(entitlement: EntitlementOf): void;
  /** The space server's own base URL (http(s)://host:port), known once it listens: signalling URLs are built on it. */
  setPublicUrl?(url: string): void;
  /** Handles an HTTP upgrade for its own path (mediasoup signalling at SFU_SIGNAL_PATH); false if not its path. */
  upgrade?(pathname: string, req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** mediasoup: the running worker's process id (null while restarting), for diagnostics and tests. */
  workerPid?(): number | null;
  close(): Promise<void>;
}
