// Keeps the SFU in line with the space server after a removal or demotion. LiveKit cannot revoke a token, and a
// removed person's token stays valid for its short lifetime; so, while that window is open, this re-checks the room:
// anyone expelled is disconnected again, and anyone publishing without a role that allows it loses the grant.
import type { SfuAdmin } from './livekit/admin';
import type { SpaceRoom } from './room';

export function startEnforcer(opts: {
  rooms: () => Iterable<SpaceRoom>;
  admin: SfuAdmin;
  log: (line: string) => void;
  now: () => number;
  everyMs?: number;
}): { stop(): void; sweep(): Promise<void> } {
  let running = false;
  async function sweep(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (const room of opts.rooms()) {
        if (room.enforceUntil < opts.now()) continue;
        const present = await opts.admin.listParticipants(room.spaceId);
        for (const p of present) {
          const member = room.members.get(p.identity);
          if (!member || room.expelled.has(p.identity)) {
            opts.log(`enforcer: ${p.identity} is not allowed in ${room.spaceId}; removing`);
            await opts.admin.removeParticipant(room.spaceId, p.identity);
          } else if (member.role === 'listener' && p.canPublish) {
            opts.log(`enforcer: ${p.identity} may not publish in ${room.spaceId}; revoking`);
            await opts.admin.setCanPublish(room.spaceId, p.identity, false);
          }
        }
      }
    } catch (error) {
      opts.log(`enforcer: ${String(error)}`);
    } finally {
      running = false;
    }
  }
  const timer = setInterval(() => void sweep(), opts.everyMs ?? 1500);
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
