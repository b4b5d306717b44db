// iCalendar (RFC 5545) by hand: one space's invite (with a reminder alarm) and a host's feed of announced spaces.
// Lines end in CRLF and fold at 75 octets (never inside a UTF-8 character); TEXT values escape \ ; , and newlines;
// times are UTC (…Z). The UID is the space's own, so a calendar replaces its copy when SEQUENCE goes up
// (reschedule, new details) and shows STATUS:CANCELLED when the host cancels.
import { DEFAULT_DURATION_MS } from '../common/schedule';
import type { CalendarSpace } from './store/spaces';

const CRLF = '\r\n';
/** How long before the start calendar apps alert: the same 10 minutes the studio reminds its host. */
const ALARM = '-PT10M';

/** Escapes a TEXT value: backslash first, then ; and , and any newline (CRLF, CR or LF) as \n. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds one content line into chunks of at most 75 octets, each continuation starting with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  // The first line holds 75 octets; a continuation holds 74 after its leading space.
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = 75;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF);
}

/** 20260329T170000Z */
export function icsUtc(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface EventContext {
  /** The share link of the space (the event's URL, and named in its description). */
  shareUrl: string;
  /** DTSTAMP: when this copy was made. */
  now: number;
  /** The server's host name, for UIDs unique beyond this server. */
  domain: string;
}

function eventLines(entry: CalendarSpace, ctx: EventContext): string[] {
  const { space, sequence } = entry;
  const start = space.scheduledAt ?? space.startedAt ?? space.createdAt;
  const cancelled = space.cancelledAt !== null && space.cancelledAt !== undefined;
  const about = space.description ? `${space.description}\n\n` : '';
  const lines = [
    'BEGIN:VEVENT',
    `UID:${space.id}@${ctx.domain}`,
    `DTSTAMP:${icsUtc(ctx.now)}`,
    `DTSTART:${icsUtc(start)}`,
    `DTEND:${icsUtc(start + DEFAULT_DURATION_MS)}`,
    `SEQUENCE:${sequence}`,
    `SUMMARY:${escapeText(cancelled ? `Cancelled: ${space.title}` : space.title)}`,
    `DESCRIPTION:${escapeText(`${about}Hosted by ${space.hostName}. Listen at ${ctx.shareUrl}`)}`,
    `URL:${ctx.shareUrl}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
  ];
  if (!cancelled) {
    lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `TRIGGER:${ALARM}`, `DESCRIPTION:${escapeText(`${space.title} starts in 10 minutes`)}`, 'END:VALARM');
  }
  lines.push('END:VEVENT');
  return lines;
}

function calendar(name: string, events: string[][], method: 'PUBLISH' | 'CANCEL' = 'PUBLISH'): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Podium//Spaces//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    `X-WR-CALNAME:${escapeText(name)}`,
    ...events.flat(),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** One space's invite: what "Add to calendar" downloads. */
export function spaceInvite(entry: CalendarSpace, ctx: EventContext): string {
  return calendar(entry.space.title, [eventLines(entry, ctx)]);
}

/** A host's feed: every announced space (to come, live, or cancelled), for calendar apps to subscribe to. */
export function hostFeed(hostName: string, entries: readonly CalendarSpace[], ctx: Omit<EventContext, 'shareUrl'> & { shareUrl: (id: string) => string }): string {
  return calendar(`${hostName} on Podium`, entries.map((e) => eventLines(e, { ...ctx, shareUrl: ctx.shareUrl(e.space.id) })));
}
