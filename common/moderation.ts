// Moderation as data (Excalidraw's actions pattern): each host action has a name, who may perform it, on whom,
// a keyboard shortcut and whether it needs a confirmation. The studio's buttons, shortcuts and menus read this table,
// and the space server enforces the very same predicates — a hidden button is never the only guard.
import { z } from 'zod';
import type { Role } from './space';
import { graphemeLength } from './text';

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

export const MOD_ACTION_NAMES = ['approve', 'deny', 'invite', 'mute', 'demote', 'cohost', 'remove', 'block'] as const;
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
  /**
   * Past tense for the audit log, with `{target}` where the person's name goes: "moved {target} to the listeners".
   * (Audit entries keep the name apart, in `target`; auditParts() splits the phrase around it.)
   */
  done: string;
  /** The passive for confirmations and refusals: "Lena will be removed", "a co-host cannot be removed". */
  passive: string;
}

const MODERATORS: readonly Role[] = ['host', 'cohost'];
const onAudience = (t: ActionTarget) => t.role === 'listener' || t.role === 'speaker';

export const MOD_ACTIONS: Record<ModAction, ModActionSpec> = {
  approve: { label: 'Approve', shortcut: 'a', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'listener' && t.handRaised, done: 'let {target} speak', passive: 'approved' },
  deny: { label: 'Deny', shortcut: 'd', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'listener' && t.handRaised, done: 'turned down {target}’s request to speak', passive: 'turned down' },
  invite: { label: 'Invite to speak', shortcut: 'i', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'listener' && !t.invited, done: 'invited {target} to speak', passive: 'invited to speak' },
  mute: { label: 'Mute', shortcut: 'u', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'speaker', done: 'muted {target}', passive: 'muted' },
  demote: { label: 'Move to listeners', shortcut: 'l', confirm: false, by: MODERATORS, appliesTo: (t) => t.role === 'speaker', done: 'moved {target} to the listeners', passive: 'moved to the listeners' },
  /** One tap: the person is asked on their own page and accepts there (in Podium, where a co-host's tools are). */
  cohost: { label: 'Make co-host', shortcut: 'c', confirm: false, by: ['host'], appliesTo: onAudience, done: 'asked {target} to co-host', passive: 'asked to co-host' },
  remove: { label: 'Remove', shortcut: 'r', confirm: true, by: MODERATORS, appliesTo: onAudience, done: 'removed {target}', passive: 'removed' },
  block: { label: 'Block', shortcut: 'b', confirm: true, by: MODERATORS, appliesTo: onAudience, done: 'blocked {target}', passive: 'blocked' },
};

/**
 * An audit line's action around its target's name: "moved {target} to the listeners" → ["moved ", " to the listeners"].
 * Entries written before names went inside the phrase ("muted", target "Lena") read as [action + " ", ""].
 */
export function auditParts(action: string): [before: string, after: string] {
  const at = action.indexOf('{target}');
  if (at < 0) return [`${action} `, ''];
  return [action.slice(0, at), action.slice(at + '{target}'.length)];
}

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
  /** The host's words shown with the card (at most PIN_CAPTION_MAX characters); absent or '' for none. */
  caption: z.string().optional(),
});

export const PIN_CAPTION_MAX = 140;

/** A pin's caption as stored: trimmed, one line, at most PIN_CAPTION_MAX characters (graphemes). */
export function checkPinCaption(raw: string): { ok: true; caption: string } | { ok: false; message: string } {
  const caption = raw.replace(/\s+/gu, ' ').trim();
  if (graphemeLength(caption) > PIN_CAPTION_MAX) return { ok: false, message: `a caption is at most ${PIN_CAPTION_MAX} characters` };
  return { ok: true, caption };
}
export type Pin = z.infer<typeof pinSchema>;

export type ParsedPin = Pick<Pin, 'url' | 'kind' | 'handle' | 'postId' | 'site'>;

/**
 * Validates a pasted link: https only (a link without a scheme gets https://), no credentials, at most 500
 * characters (one typed without a scheme needs a dotted host); X/Twitter posts are recognised.
 */
export function parsePinUrl(raw: string): { ok: true; pin: ParsedPin } | { ok: false; message: string } {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, message: 'paste a link to pin' };
  if (text.length > 500) return { ok: false, message: 'links are limited to 500 characters' };
  // "x.com/user/status/123" as people paste it: no scheme means https://. Anything with a scheme is checked as is.
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^/:]+:\d+(?:[/?#]|$)/.test(text);
  const withScheme = hasScheme ? text : `https://${text.replace(/^\/+/, '')}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: 'that is not a link (it should start with https://)' };
  }
  if (url.protocol !== 'https:') return { ok: false, message: 'only https:// links can be pinned' };
  if (url.username || url.password) return { ok: false, message: 'links with a user name or password cannot be pinned' };
  if (!hasScheme && !url.hostname.includes('.')) return { ok: false, message: 'that is not a link (it should look like x.com/… or https://…)' };
  const x = X_STATUS.exec(url.toString());
  if (x) {
    const handle = x[1]!;
    const postId = x[2]!;
    return { ok: true, pin: { url: `https://x.com/${handle}/status/${postId}`, kind: 'x', handle, postId, site: 'x.com' } };
  }
  return { ok: true, pin: { url: url.toString(), kind: 'link', handle: null, postId: null, site: url.hostname.replace(/^www\./, '') } };
}
