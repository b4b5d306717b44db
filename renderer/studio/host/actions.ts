// The host panel's side of the actions-as-data pattern: which MOD_ACTIONS a moderator may use on whom (the same
// predicate the server checks), the keyboard map built from the table, and what a confirmation says.
import { MOD_ACTIONS, MOD_ACTION_NAMES, mayPerform, type ActionTarget, type ModAction } from '../../../common/moderation';
import type { Participant, StageMember } from '../../../common/protocol';
import type { Role } from '../../../common/space';

/** Who a row is about: a roster entry when we have one, otherwise what the stage message says. */
export interface Person {
  id: string;
  name: string;
  role: Role;
  handRaisedAt: number | null;
  invited: boolean;
  /** False while they have no connection to the space server (they may still be heard through the SFU). */
  connected?: boolean;
}

export function personOf(id: string, roster: ReadonlyMap<string, Participant>, members: readonly StageMember[]): Person | null {
  const p = roster.get(id);
  if (p) return p;
  const m = members.find((x) => x.id === id);
  return m ? { ...m, handRaisedAt: null, invited: false, connected: !m.away } : null;
}

export function targetOf(person: Person): ActionTarget {
  return { role: person.role, handRaised: person.handRaisedAt !== null, invited: person.invited };
}

/** Actions `actor` may take on `person`, in table order; never on oneself. */
export function actionsFor(actor: Role | null, selfId: string | null, person: Person): ModAction[] {
  if (!actor || person.id === selfId) return [];
  const target = targetOf(person);
  return MOD_ACTION_NAMES.filter((name) => mayPerform(actor, name, target));
}

const BY_KEY = new Map<string, ModAction>(MOD_ACTION_NAMES.map((name) => [MOD_ACTIONS[name].shortcut, name]));

export function actionForKey(key: string): ModAction | null {
  return BY_KEY.get(key.toLowerCase()) ?? null;
}

/** The tooltip of an action button: its label and key. */
export function actionTitle(action: ModAction): string {
  const spec = MOD_ACTIONS[action];
  return `${spec.label} (${spec.shortcut.toUpperCase()})`;
}

/** Exactly what a confirmed action does, in the words of the dialog. */
export function confirmCopy(action: ModAction, name: string, mode: 'host' | 'cohost'): { title: string; body: string; button: string } {
  const whose = mode === 'host' ? 'your' : "the host's";
  switch (action) {
    case 'block':
      return {
        title: `Block ${name}?`,
        body: `They are removed now and can't join ${whose} future spaces. You can unblock them later under Room → Blocked.`,
        button: 'Block',
      };
    case 'remove':
      return { title: `Remove ${name}?`, body: "They leave this space now and can't rejoin it. They can still join future spaces.", button: 'Remove' };
    default:
      return { title: `${MOD_ACTIONS[action].label}: ${name}?`, body: `${name} will be ${MOD_ACTIONS[action].passive}.`, button: MOD_ACTIONS[action].label };
  }
}

/** Why a shortcut did nothing, for the key bar: said plainly, with the person's name. */
export function notApplicableHint(action: ModAction, person: Pick<Person, 'name' | 'role'>, actor: Role | null, self: boolean): string {
  const spec = MOD_ACTIONS[action];
  if (self) return `${spec.label} doesn't apply to yourself.`;
  if (actor && !spec.by.includes(actor)) return `Only the host can use ${spec.label}.`;
  if (action === 'cohost' && person.role === 'cohost') return `${person.name} is a co-host already.`;
  return `${spec.label} doesn't apply to ${person.name} right now.`;
}

/** What the key bar says once an action without a visible result on this page has been sent. */
export function sentHint(action: ModAction, name: string): string | null {
  if (action === 'cohost') return `${name} was asked to co-host — they accept on their page.`;
  if (action === 'invite') return `${name} was invited to speak — they accept on their page.`;
  return null;
}
