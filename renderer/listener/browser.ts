// Small browser helpers of the listener page: the saved name, the share link, copying, microphone errors. (A co-host
// invite key in the address is invite.ts's: this page never joins with it.)

import { sentence } from '../ui/words';

const NAME_STORAGE = 'podium.listenerName';

export function loadName(): string {
  try {
    return localStorage.getItem(NAME_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(NAME_STORAGE, name);
  } catch {
    // Private mode: the name still goes to the server, just not remembered.
  }
}

/** The link to share: the page without its #fragment (a co-host invite key must never travel with it). */
export function shareLink(): string {
  return `${location.origin}${location.pathname}`;
}

/** Copies text; works on plain-http LAN links too, where navigator.clipboard does not exist. */
export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Fall through to the selection-based copy.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function micErrorText(error: unknown): string {
  if (!navigator.mediaDevices) {
    return 'This browser allows microphones only on secure links (https:// or localhost). Ask the host for a secure link to speak.';
  }
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Podium needs your permission to use the microphone. Allow it in the address bar, then press Unmute again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Plug one in and press Unmute again.';
  if (name === 'NotReadableError') return 'Your microphone is busy in another app. Close it there and press Unmute again.';
  const message = error instanceof Error ? error.message : String(error);
  return sentence(`Could not turn on your microphone: ${message}`);
}

/** Where this browser keeps the ticket it was admitted with, per space (it comes back with it after a reload). */
const ticketStorage = (spaceId: string): string => `podium.ticket.${spaceId}`;

export function loadTicket(spaceId: string): string | null {
  try {
    return localStorage.getItem(ticketStorage(spaceId));
  } catch {
    return null;
  }
}

export function saveTicket(spaceId: string, code: string | null): void {
  try {
    if (code === null) localStorage.removeItem(ticketStorage(spaceId));
    else localStorage.setItem(ticketStorage(spaceId), code);
  } catch {
    // Private mode: the ticket works for this visit only.
  }
}
