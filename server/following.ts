// Following hosts over the space protocol: what a page is told of its host's follows (on join and after each change),
// following and unfollowing (idempotent; limited per person, as each is a SQLite write), and telling followers who
// have another of the host's spaces open that the host just went live. Follows are keyed by the spaces' owner.
import { PodiumError } from '../common/result';
import type { ServerMessage } from '../common/protocol';
import { createKeyedRateLimiter } from './rate-limit';
import type { Member, SpaceRoom } from './room';
import type { FollowStore } from './store/follows';
import type { ModerationStore } from './store/moderation';

export interface Following {
  /** Whether `subject` follows `owner`, how many do, and the owner's calendar feed path. */
  message(owner: string, subject: string, ref?: string): ServerMessage;
  /** A `follow` message from `member` in `room`: applied, and answered with the new state. Throws PodiumError. */
  change(room: SpaceRoom, member: Member, on: boolean, ref?: string): ServerMessage;
  /** The host went live in `liveRoom`: followers connected to any other room of the same owner are told. */
  tellWentLive(rooms: Iterable<SpaceRoom>, liveRoom: SpaceRoom, space: { id: string; title: string; hostName: string }): void;
}

export function createFollowing(deps: { follows: FollowStore; moderation: Pick<ModerationStore, 'owner'>; now?: () => number }): Following {
  const now = deps.now ?? Date.now;
  // Ten changes in a row per person, then one every 2 s.
  const limit = createKeyedRateLimiter(0.5, 10);
  const message = (owner: string, subject: string, ref?: string): ServerMessage => ({
    type: 'follow',
    ...(ref ? { ref } : {}),
    following: deps.follows.isFollowing(owner, subject),
    followers: deps.follows.count(owner),
    feed: `/feeds/${deps.follows.feedId(owner)}.ics`,
  });
  return {
    message,
    change(room, member, on, ref) {
      // Any of the host's pages, ended ones too: following is about the host, not this space.
      if (member.role === 'host') throw new PodiumError('bad_request', "you host these spaces, so there's no one to follow here");
      if (!limit.take(member.subject, now())) throw new PodiumError('rate_limited', 'you changed your follow a lot just now — try again in a few seconds');
      const owner = deps.moderation.owner(room.spaceId);
      if (on) deps.follows.follow(owner, member.subject, now());
      else deps.follows.unfollow(owner, member.subject);
      return message(owner, member.subject, ref);
    },
    tellWentLive(rooms, liveRoom, space) {
      const owner = deps.moderation.owner(space.id);
      for (const room of rooms) {
        if (room === liveRoom || deps.moderation.owner(room.spaceId) !== owner) continue;
        for (const x of room.members.values()) {
          if (x.sessions.size > 0 && x.role !== 'host' && deps.follows.isFollowing(owner, x.subject)) {
            room.toMember(x, { type: 'hostLive', spaceId: space.id, title: space.title, hostName: space.hostName });
          }
        }
      }
    },
  };
}
