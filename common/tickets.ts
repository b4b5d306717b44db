// Ticketed spaces (issue 16, tickets issued — never sold — by Podium): the shapes the host's studio, the listener page
// and the space server share. A ticket code is 24 Crockford base32 characters in groups of four: 80 random bits and a
// 40-bit signature over them and the space (server/tickets.ts). Pure, so every process and the tests use it as is.
import { z } from 'zod';
import { csvCell } from './csv';

/** Most tickets one request issues (a batch for a shop or a mailing), and most a space holds in all. */
export const TICKET_BATCH_MAX = 500;
export const TICKETS_PER_SPACE_MAX = 20_000;
/** Most people a ticketed space admits. */
export const TICKET_CAPACITY_MAX = 100_000;
export const TICKET_LABEL_MAX = 80;

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives. */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_CHARS = 24;

/**
 * The code as typed: upper case, spaces and dashes dropped, the letters people confuse with digits read as those
 * digits. Null if what is left is not a code's shape (so it never reaches the store).
 */
export function normalizeTicketCode(raw: string): string | null {
  const plain = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== CODE_CHARS) return null;
  for (const c of plain) if (!CODE_ALPHABET.includes(c)) return null;
  return plain;
}

/** "ABCD-EFGH-…": how a code is shown and exported. */
export function formatTicketCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/** What the listener page sends: loose on purpose (a pasted code has spaces), checked by normalizeTicketCode. */
export const ticketCodeSchema = z.string().min(1).max(64);

export const ticketSettingsSchema = z.object({
  required: z.boolean(),
  /** Most people admitted with a ticket (a revoked ticket frees its place). */
  capacity: z.number().int().min(1).max(TICKET_CAPACITY_MAX),
});
export type TicketSettings = z.infer<typeof ticketSettingsSchema>;

export const ticketRowSchema = z.object({
  id: z.number().int().positive(),
  label: z.string(),
  issuedAt: z.number().int(),
  usedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
  /** The name its holder last used, once redeemed. */
  holderName: z.string().nullable(),
});
export type TicketRow = z.infer<typeof ticketRowSchema>;

export const ticketCountsSchema = z.object({
  issued: z.number().int().nonnegative(),
  used: z.number().int().nonnegative(),
  revoked: z.number().int().nonnegative(),
  /** Places taken: tickets used and not revoked (what the capacity counts). */
  admitted: z.number().int().nonnegative(),
});
export type TicketCounts = z.infer<typeof ticketCountsSchema>;

/** Why a ticket did not admit someone: the listener page shows each in its own words. */
export const TICKET_REFUSALS = ['required', 'invalid', 'used', 'revoked', 'full', 'throttled'] as const;
export type TicketRefusal = (typeof TICKET_REFUSALS)[number];

export function ticketRefusalText(reason: TicketRefusal, retryAfterMs = 0): string {
  switch (reason) {
    case 'required':
      return 'This space needs a ticket. Enter the code from your ticket, or open your ticket link.';
    case 'invalid':
      return "That code isn't a ticket for this space. Check it and try again.";
    case 'used':
      return 'This ticket was already used on another device.';
    case 'revoked':
      return 'The host revoked this ticket. Ask them for a new one.';
    case 'full':
      return 'This space is full: every place has been taken.';
    case 'throttled':
      return `Too many attempts — wait ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s and try again.`;
    default: {
      const unreachable: never = reason;
      return String(unreachable);
    }
  }
}

/** The batch a host hands to a shop or a mailing: one line per ticket, with its code and its link. */
export function ticketsCsv(spaceTitle: string, tickets: readonly { id: number; code: string; url: string; label: string }[]): string {
  const lines = [['space', 'ticket', 'label', 'code', 'link'].join(',')];
  for (const t of tickets) lines.push([spaceTitle, t.id, t.label, formatTicketCode(t.code), t.url].map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The link that carries a code: in the #fragment, so it never reaches a server's logs. */
export function ticketLink(shareUrl: string, code: string): string {
  return `${shareUrl.replace(/#.*$/, '')}#ticket=${formatTicketCode(code)}`;
}

/** The code in a page's #fragment (`#ticket=…`), or null. */
export function ticketInFragment(hash: string): string | null {
  const match = /(?:^#|&)ticket=([A-Za-z0-9-]{1,64})(?:&|$)/.exec(hash);
  return match ? match[1]! : null;
}
