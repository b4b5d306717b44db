// What the desktop shell (tray, global shortcut) asks the studio window to do. Main pushes one of these names on
// DESKTOP_COMMAND_CHANNEL; the preload passes it on and the renderer checks it against this list. No zod here:
// the sandboxed preload imports this file.
export const DESKTOP_COMMAND_CHANNEL = 'podium:desktop-command';

export const DESKTOP_COMMANDS = [
  /** Mute or unmute the host's microphone (tray item, global shortcut). */
  'toggleMute',
  /** End the space for everyone; main has already asked "End the space?" and the host said yes. */
  'endSpace',
] as const;
export type DesktopCommand = (typeof DESKTOP_COMMANDS)[number];

export function isDesktopCommand(value: unknown): value is DesktopCommand {
  return typeof value === 'string' && (DESKTOP_COMMANDS as readonly string[]).includes(value);
}

/**
 * Which connection is down while live, as the studio reports it (desktop:state `link`): the space server's, this
 * studio's own audio connection (media), or the audio server itself — restarting (or the studio's services with it),
 * or given up on.
 */
export const DESKTOP_LINKS = ['ok', 'space-lost', 'media-lost', 'audio-restarting', 'audio-failed'] as const;
export type DesktopLink = (typeof DESKTOP_LINKS)[number];
