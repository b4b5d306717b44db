// Moderation as data (Excalidraw's actions pattern): each host action has a name, who may perform it, on whom,
// a keyboard shortcut and whether it needs a confirmation. The studio's buttons, shortcuts and menus read this table,
// and the space server enforces the very same predicates — a hidden button is never the only guard.
import { z } from 'zod';
import type { Role } from './space';

export const REACTIONS = ['👏', '🔥', '❤️', '😂', '💯', '🙌', '👀', '🎉'] as const;
export const reactionSchema = z.enum(REACTIONS);
export type Reaction = z.infer<typeof reactionSchema>;

export const REQUEST_POLICIES = ['everyone', 'invited', 'nobody'] as const;
export const requestPolicySchema = z.enum(REQUEST_POLICIES);
export type RequestPolicy = z.infer<typeof requestPolicySchema>;

export const DEFAULT_SPEAKER_LIMIT = 10;
export const DEFAULT_COHOST_LIMIT = 2;
export const MAX_PINS = 10;

export const spaceSettingsSchema = z.object({
  requestPolicy: requestPolicySchema,
  /** Speakers besides the host and co-hosts. */
  speakerLimit: z.number().int().min(0).max(50),
  cohostLimit: z.number().int().min(0).max(10),
});
export type SpaceSettings = z.infer<typeof spaceSettingsSchema>;

export const MOD_ACTION_NAMES = ['approve', 'deny', 'invite', 'mute', 'demote', 'remove', 'block'] as const;
export const modActionSchema = z.enum(MOD_ACTION_NAMES);
export type ModAction = z.infer<typeof modActionSchema>;

/** What an action needs to know about its target. */
export interface ActionTarget {
  role: Role;
  handRaised: boolean;
  invited: boolean;
}

export interface ModActionSpec {
  label: string;
  /** A single key, pressed with a participant selected in the host panel. */
  shortcut: string;
  /** Asks "are you sure?" first: these cannot be undone from the listener's side. */
  confirm: boolean;
  /** Roles allowed to perform it. */
  by: readonly Role[];
  /** Whether it makes sense on this target (the server answers invalid_state otherwise). */
  appliesTo: (target: ActionTarget) => boolean;
  /** Past tense for the audit log and notices. */
  done: string;
}

const MODERATORS: readonly Role[] = ['host', 'cohost'];
const onAudience = (t: ActionTarget) => t.role === 'listener' || t.role === 'speaker';

export const MOD_ACTIONS: Record<ModAction, ModActionSpec> = {
  approve: { label: 'Approve', shortcut: 'a', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'listener' && t.handRaised, done: 'approved' },
  deny: { label: 'Deny', shortcut: 'd', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'listener' && t.handRaised, done: 'denied' },
  invite: { label: 'Invite to speak', shortcut: 'i', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'listener' && !t.invited, done: 'invited' },
  mute: { label: 'Mute', shortcut: 'u', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'speaker', done: 'muted' },
  demote: { label: 'Move to listeners', shortcut: 'l', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'speaker', done: 'moved to listeners' },
  remove: { label: 'Remove', shortcut: 'r', confirm: true, by: MODERATORS, appliesTo: onAudience, done: 'removed' },
  block: { label: 'Block', shortcut: 'b', confirm: true, by: MODERATORS, appliesTo: onAudience, done: 'blocked' },
};

/** May `actor` perform `action` on `target`? One predicate for the panel's buttons and the server's check. */
export function mayPerform(actor: Role, action: ModAction, target: ActionTarget): boolean {
  const spec = MOD_ACTIONS[action];
  return spec.by.includes(actor) && spec.appliesTo(target);
}

/** Hosts may act on co-hosts only by demoting them (changing co-hosts is the host's alone). */
export function mayDemoteCohost(actor: Role, target: Role): boolean {
  return actor === 'host' && target === 'cohost';
}

// ---- pinned posts ----------------------------------------------------------------------------------------------

const X_STATUS = /^https:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/([A-Za-z0-9_]{1,15})\/status(?:es)?\/(\d{1,25})(?:[/?#].*)?$/i;

export const pinSchema = z.object({
  id: z.string(),
  url: z.string(),
  kind: z.enum(['x', 'link']),
  /** For X/Twitter posts: the author's handle (without @) and the post id. */
  handle: z.string().nullable(),
  postId: z.string().nullable(),
  /** For other links: the host name shown on the card. */
  site: z.string(),
  pinnedBy: z.string(),
  pinnedAt: z.number().int(),
});
export type Pin = z.infer<typeof pinSchema>;

export type ParsedPin = Pick<Pin, 'url' | 'kind' | 'handle' | 'postId' | 'site'>;

/** Validates a pasted link: https only, no credentials, at most 500 characters; X/Twitter posts are recognised. */
export function parsePinUrl(raw: string): { ok: true; pin: ParsedPin } | { ok: false; message: string } {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, message: 'paste a link to pin' };
  if (text.length > 500) return { ok: false, message: 'links are limited to 500 characters' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'that is not a link (it should start with https://)' };
  }
  if (url.protocol !== 'https:') return { ok: false, message: 'only https:// links can be pinned' };
  if (url.username || url.password) return { ok: false, message: 'links with a user name or password cannot be pinned' };
  const x = X_STATUS.exec(url.toString());
  if (x) {
    const handle = x[1]!;
    const postId = x[2]!;
    return { ok: true, pin: { url: `https://x.com/${handle}/status/${postId}`, kind: 'x', handle, postId, site: 'x.com' } };
  }
  return { ok: true, pin: { url: url.toString(), kind: 'link', handle: null, postId: null, site: url.hostname.replace(/^www\./, '') } };
}
