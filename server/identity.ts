// Who a connection is, as the space server and the SFU see it. A participant id doubles as the LiveKit identity, and
// each kind is derived from what proves it, so no kind can be reached from another: the host's from the space
// itself (only the host key gets it), a co-host's from their seat (only their seat credential gets it), a listener's
// from the hash of their browser's own key. Knowing someone's client key therefore never gives their role.
import crypto from 'node:crypto';

const short = (text: string): string => crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);

export const hostIdentity = (spaceId: string): string => `p${short(`host\0${spaceId}`)}`;
export const seatIdentity = (seatId: string): string => `p${short(`seat\0${seatId}`)}`;
/** `subject` is the SHA-256 (hex) of the client key. */
export const listenerIdentity = (subject: string): string => `p${subject.slice(0, 16)}`;
