// What the studio window may navigate to: nothing. It loads its own page once; a link that would replace it, or
// open a new window, is refused, and if it is a link a person may want (a pin), it goes to the ask-then-open
// path of external-links.ts instead — in the system browser, never inside the studio.
import { externalOpenDecision, type ExternalDecision } from './external-links';

export interface NavigationDecision {
  /** Always false: the studio's window only ever shows the studio. */
  allow: false;
  /** What to offer instead: open it in the browser (after asking), or nothing. */
  external: ExternalDecision;
}

/** will-navigate / will-frame-navigate: a link clicked in place, a script setting location, a dropped file. */
export function navigationDecision(url: unknown): NavigationDecision {
  return { allow: false, external: externalOpenDecision(url) };
}

/** setWindowOpenHandler: a target=_blank link (every pin card) or window.open. Electron wants { action: 'deny' }. */
export function windowOpenDecision(url: unknown): { action: 'deny'; external: ExternalDecision } {
  return { action: 'deny', external: externalOpenDecision(url) };
}
