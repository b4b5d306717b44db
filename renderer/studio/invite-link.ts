// Co-host invite links: http(s)://host[:port][/prefix]/s/<spaceId>#cohost=<key>. The space protocol lives next to
// the listener page, at <base>/ws, so the link alone says where to connect and with which key. Anyone can send such
// a link, so one for a server this studio has not used before is shown to the person before it is joined.
import { PROTOCOL_PATH } from '../../common/protocol';
import { SPACE_ID_PATTERN } from '../../common/space';
import { serverOrigin } from '../state/client-keys';

export interface CohostInvite {
  spaceId: string;
  key: string;
  /** The listener link (the invite without its key). */
  shareUrl: string;
  protocolUrl: string;
  /** The space server's http(s) origin: what trust and client keys are remembered by. */
  origin: string;
}

const KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function parseCohostInvite(raw: string): { ok: true; invite: CohostInvite } | { ok: false; message: string } {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'Paste the invite link your host sent you.' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'That is not a link. An invite looks like https://…/s/abc123defg#cohost=…' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'An invite link starts with http:// or https://.' };
  const match = /^(.*)\/s\/([^/]+)\/?$/.exec(url.pathname);
  if (!match || !SPACE_ID_PATTERN.test(match[2]!)) {
    return { ok: false, message: 'This link does not point to a space (it should contain /s/ and a 10-character space id).' };
  }
  const key = new URLSearchParams(url.hash.replace(/^#/, '')).get('cohost');
  if (!key) return { ok: false, message: 'This is a listener link, not a co-host invite: it has no #cohost=… part. Ask the host for an invite.' };
  if (!KEY_PATTERN.test(key)) return { ok: false, message: 'The invite key in this link is damaged. Copy the whole link again.' };
  const base = `${url.origin}${match[1]}`;
  return {
    ok: true,
    invite: {
      spaceId: match[2]!,
      key,
      shareUrl: `${base}/s/${match[2]}`,
      protocolUrl: `${base.replace(/^http/, 'ws')}${PROTOCOL_PATH}`,
      origin: url.origin,
    },
  };
}

/**
 * Whether to ask before joining: yes, unless the invite's server is this studio's own space server or one it has
 * joined before. `ownServerUrl` is app info's spaceServerUrl (null before main answered: then nothing is own).
 */
export function needsTrustPrompt(inviteOrigin: string, ownServerUrl: string | null | undefined, seenOrigins: { has(origin: string): boolean }): boolean {
  const origin = serverOrigin(inviteOrigin);
  if (origin === null) return true;
  if (ownServerUrl && serverOrigin(ownServerUrl) === origin) return false;
  return !seenOrigins.has(origin);
}

/** The server as the person should read it: host and port ("203.0.113.7:7800"; the port only when not the default). */
export function serverLabel(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
