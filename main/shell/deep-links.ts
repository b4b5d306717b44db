// podium:// links reaching the desktop app: on the command line of the first launch or of a second one
// (Windows, Linux), or in macOS's open-url event. Only a link fromAppLink accepts becomes anything: a space's
// web link, which the studio window then opens as it would a pasted one.
import { fromAppLink, LINK_SCHEME } from '../../common/links';

/** At most this many arguments are looked at: a link is one of the first few, and argv is the caller's. */
const MAX_ARGS = 64;

/** The web link a podium:// URL stands for, or null. */
export function webLinkFromAppLink(raw: unknown): string | null {
  return typeof raw === 'string' && raw.length <= 512 ? fromAppLink(raw) : null;
}

/** The first podium:// argument of a command line, as a web link; null when there is none, or it is not ours. */
export function webLinkFromArgv(argv: readonly unknown[]): string | null {
  const prefix = `${LINK_SCHEME}://`;
  const arg = argv.slice(0, MAX_ARGS).find((a): a is string => typeof a === 'string' && a.toLowerCase().startsWith(prefix));
  return arg === undefined ? null : webLinkFromAppLink(arg);
}
