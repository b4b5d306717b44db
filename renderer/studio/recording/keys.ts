// The recording shortcuts: Alt+R (⌥R) records and stops, Alt+K (⌥K) adds a marker. Not Ctrl/⌘+Shift+R: browsers and
// Electron's default menu reload the page on it, and a reload mid-recording would cut the audio off. Alt+R is free in
// Chromium, Electron and the host panel (which ignores keys held with Alt), and is what Zoom uses for recording.

/** Apple keyboards call the key Option and print ⌥ on it. */
const APPLE = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The label shown on buttons: "⌥R" or "Alt R". */
export function altLabel(letter: string): string {
  return APPLE ? `⌥${letter.toUpperCase()}` : `Alt ${letter.toUpperCase()}`;
}

/**
 * Which letter an Alt shortcut means. On a Mac, Option+R types "®", so the key's position (e.code) decides when the
 * typed character is not a plain letter. Ctrl+Alt (AltGr on Windows) types characters and is never a shortcut.
 */
export function altLetter(e: KeyboardEvent): string | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  if (/^[a-z]$/i.test(e.key)) return e.key.toLowerCase();
  return /^Key[A-Z]$/.test(e.code) ? e.code.slice(3).toLowerCase() : null;
}
