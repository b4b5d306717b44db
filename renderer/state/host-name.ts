// Whether the studio must ask the host's name before a space: listeners read it ("Hosted by …", "… muted you"), and
// the default "Host" tells them nothing.
import type { Settings } from '../../common/ipc';

export const DEFAULT_HOST_NAME = 'Host';

/**
 * True until the person has chosen a name: settings say so (hostNameChosen), or — settings from before the flag —
 * the saved name is something other than the default.
 */
export function hostNameNeeded(settings: Pick<Settings, 'hostName' | 'hostNameChosen'> | null | undefined): boolean {
  if (!settings) return false;
  if (settings.hostNameChosen === true) return false;
  return settings.hostName.trim() === DEFAULT_HOST_NAME;
}
