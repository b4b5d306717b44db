// Which microphone to use, decided from what the host chose (main remembers it) and the devices the browser lists
// right now — and what to tell the host when a device comes or goes mid-space. Pure: no navigator, no timers; the
// studio's device glue (renderer/studio/microphone.ts) feeds it lists, 'ended' events and the time, and carries out
// what it answers. Kept apart so unplug, replug and their races are unit-tested. The monitor's output device has
// the same kind of rules in output-devices.ts.
import type { RememberedDevice } from '../../common/ipc';

export type { RememberedDevice } from '../../common/ipc';

/** One entry of enumerateDevices(), reduced to what the decisions read. */
export interface DeviceEntry {
  deviceId: string;
  label: string;
  /** Same for the parts of one physical device, and for Chromium's "default" entry and the device behind it. */
  groupId?: string;
}

/** Something to show the host about their devices; `sticky` ones stay until the situation changes. */
export interface DeviceNotice {
  tone: 'warning' | 'info';
  text: string;
  sticky: boolean;
}

/**
 * How long after a device's track ended the studio tries that device again even though the browser never listed it
 * as gone: a track can end for reasons other than an unplug (a driver reset, another app grabbing it exclusively).
 */
export const RETRY_AFTER_MS = 5_000;

/** Chromium's pseudo-devices that follow the system's choice rather than naming one device. */
const PSEUDO_IDS = new Set(['default', 'communications']);

export function isSystemDefault(deviceId: string): boolean {
  return PSEUDO_IDS.has(deviceId);
}

/**
 * Before the page may use a microphone, browsers list devices without labels (Chromium: one entry per kind with an
 * empty id). Nothing can be matched by label then, and nothing should be called unplugged.
 */
export function labelsHidden(list: readonly DeviceEntry[]): boolean {
  return list.some((d) => d.deviceId === '') || (list.length > 0 && list.every((d) => d.label === ''));
}

/**
 * A label a person reads: without Chromium's "Default - " / "Communications - " prefix (which names the system's
 * choice, not the device) and without the "(046d:0825)" USB ids Linux and ChromeOS append.
 */
export function displayLabel(label: string, fallback = 'microphone'): string {
  const plain = label
    .replace(/^(Default|Communications) - /, '')
    .replace(/\s*\([0-9a-f]{4}:[0-9a-f]{4}\)\s*$/i, '')
    .trim();
  return plain || fallback;
}

/**
 * A device as a list shows it: its plain name, with the system's pseudo-devices marked up front ("Default: MacBook
 * Pro Microphone") so they do not read as a second copy of the real one, and the mark survives a narrow list.
 */
export function optionLabel(label: string, fallback: string): string {
  const pseudo = /^(Default|Communications) - /.exec(label)?.[1];
  const name = displayLabel(label, fallback);
  return pseudo ? `${pseudo}: ${name}` : name;
}

/**
 * The listed entry that is the remembered device: the same id first; else a real device with the same label, because
 * ids change when the same microphone comes back on another USB port. With two identical models plugged in, the
 * id tells them apart; if neither has the id, the first listed is taken (the browser lists them in a stable order).
 * A remembered system default ("default") is found whenever the browser lists a default.
 */
export function findDevice(remembered: RememberedDevice | null, list: readonly DeviceEntry[]): DeviceEntry | null {
  if (!remembered) return list.find((d) => d.deviceId === 'default') ?? null;
  const byId = remembered.deviceId !== '' ? list.find((d) => d.deviceId === remembered.deviceId) : undefined;
  if (byId) return byId;
  if (isSystemDefault(remembered.deviceId) || remembered.label === '') return null;
  return list.find((d) => !isSystemDefault(d.deviceId) && d.label === remembered.label) ?? null;
}

/** What to use when the chosen device is missing: the system's default, else the first one listed. */
export function standInFor(list: readonly DeviceEntry[], excludeId: string | null = null): DeviceEntry | null {
  const usable = list.filter((d) => d.deviceId !== '' && (excludeId === null || d.deviceId !== excludeId));
  return usable.find((d) => d.deviceId === 'default') ?? usable[0] ?? null;
}

// ---- microphone -----------------------------------------------------------------------------------------------------

export interface InputWatch {
  /** What the host picked and main remembers; null (or a "default" id): whatever the system's default is. */
  chosen: RememberedDevice | null;
  /** The device open now, as the browser lists it; null when none is. */
  using: DeviceEntry | null;
  /** Set while a stand-in replaces the chosen device, until it returns. */
  away: {
    since: number;
    /** The browser has listed the devices without the chosen one since: its return is a real return. */
    sawGone: boolean;
  } | null;
}

export type InputEvent =
  /** The browser's device list changed (devicechange), or the studio checks again at recheckAt. */
  | { type: 'devices'; list: readonly DeviceEntry[]; now: number }
  /** The open microphone's track ended: that device is not usable now, whatever the list still says. */
  | { type: 'ended'; list: readonly DeviceEntry[]; now: number };

/** Why a device is being opened: it decides what the host is told once it is open (see openedNotice). */
export type OpenReason =
  /** The chosen device went away; this is its stand-in. */
  | 'unplugged'
  /** The chosen device is back. */
  | 'returned'
  /** The system default's device changed (or its track ended): the default is opened again. */
  | 'default'
  /** Nothing was open and a microphone appeared. */
  | 'appeared';

export type InputAction =
  | { type: 'keep' }
  /** Open this device under the same pipeline: the published track stays, only the source changes. */
  | { type: 'open'; device: DeviceEntry; why: OpenReason }
  /** Nothing to open: listeners hear silence until a microphone appears. */
  | { type: 'none' };

export interface InputDecision {
  watch: InputWatch;
  action: InputAction;
  /** For keep and none: a notice to show, 'clear' to remove it, null to leave it. An open's notice comes after it
   * succeeds (openedNotice), because only then is it known which device the system really gave. */
  notice: DeviceNotice | 'clear' | null;
  /** When to check again even without a device change (a retry of a device that never left the list). */
  recheckAt: number | null;
}

const decision = (watch: InputWatch, action: InputAction, notice: InputDecision['notice'] = null, recheckAt: number | null = null): InputDecision => ({
  watch,
  action,
  notice,
  recheckAt,
});

function followsDefault(chosen: RememberedDevice | null): boolean {
  return !chosen || isSystemDefault(chosen.deviceId);
}

/**
 * The name of a listed device as a person knows it. Chromium's "default" entry shares its groupId with the device
 * behind it, so that device's own label is used; otherwise the "Default - …" label without its prefix.
 */
export function deviceName(device: DeviceEntry | null, list: readonly DeviceEntry[] = [], fallback = 'microphone'): string {
  if (!device) return fallback;
  if (isSystemDefault(device.deviceId) && device.groupId) {
    const behind = list.find((d) => !isSystemDefault(d.deviceId) && d.groupId === device.groupId && d.label);
    if (behind) return displayLabel(behind.label, fallback);
  }
  return displayLabel(device.label, fallback);
}

/** The chosen device's name, for "Your … was unplugged". */
function chosenName(watch: InputWatch, list: readonly DeviceEntry[]): string {
  const { chosen, using } = watch;
  if (chosen && !isSystemDefault(chosen.deviceId) && chosen.label) return displayLabel(chosen.label);
  return deviceName(using, list);
}

export const inputNotices = {
  unplugged: (name: string, standIn: string): DeviceNotice => ({
    tone: 'warning',
    text: `Your ${name} was unplugged — using ${standIn}. Podium will switch back when it returns.`,
    sticky: true,
  }),
  missingAtStart: (name: string, standIn: string): DeviceNotice => ({
    tone: 'warning',
    text: `Your ${name} is not connected — using ${standIn}. Podium will switch to it when you plug it in.`,
    sticky: true,
  }),
  nothingLeft: (name: string): DeviceNotice => ({
    tone: 'warning',
    text: `Your ${name} was unplugged and no other microphone is connected, so listeners hear silence. Podium will use it again when it returns.`,
    sticky: true,
  }),
  twin: (name: string): DeviceNotice => ({ tone: 'info', text: `Your ${name} was unplugged — using your other ${name}.`, sticky: false }),
  returned: (name: string): DeviceNotice => ({ tone: 'info', text: `Your ${name} is back — Podium switched back to it.`, sticky: false }),
  defaultMoved: (now: string): DeviceNotice => ({ tone: 'info', text: `Now using ${now}, the system's default microphone.`, sticky: false }),
  appeared: (name: string): DeviceNotice => ({ tone: 'info', text: `Using ${name}.`, sticky: false }),
};

/** The host picked a device themselves (and it opened): that is the new choice, and any stand-in period is over. */
export function chooseInput(chosen: RememberedDevice | null, opened: DeviceEntry | null): InputWatch {
  return { chosen, using: opened, away: null };
}

/**
 * The studio opened its first microphone at start, asking for the remembered one. If the browser gave another (the
 * remembered one is not plugged in), this is a stand-in from the start, and the host is told which.
 */
export function started(chosen: RememberedDevice | null, opened: DeviceEntry, list: readonly DeviceEntry[], now: number): InputDecision {
  const watch: InputWatch = { chosen, using: opened, away: null };
  if (followsDefault(chosen) || labelsHidden(list) || findDevice(chosen, [opened])) return decision(watch, { type: 'keep' });
  const here = findDevice(chosen, list);
  if (here) return decision(watch, { type: 'open', device: here, why: 'returned' });
  const away = { since: now, sawGone: true };
  return decision({ ...watch, away }, { type: 'keep' }, inputNotices.missingAtStart(chosenName(watch, list), deviceName(opened, list)));
}

/** A device is open now, as an 'open' action asked: what to record, and what to tell the host. */
export function openedNotice(before: InputWatch, why: OpenReason, opened: DeviceEntry, list: readonly DeviceEntry[]): DeviceNotice | 'clear' {
  const name = deviceName(opened, list);
  switch (why) {
    case 'unplugged': {
      const chosen = chosenName(before, list);
      return chosen === name ? inputNotices.twin(name) : inputNotices.unplugged(chosen, name);
    }
    case 'returned':
      return inputNotices.returned(chosenName({ ...before, using: opened }, list));
    case 'default':
      // Re-opening the default that still is the same device is no news.
      return before.using && deviceName(before.using, list) !== name ? inputNotices.defaultMoved(name) : 'clear';
    case 'appeared':
      return inputNotices.appeared(name);
  }
}

/** The chosen device is gone (or its track ended): a stand-in at once, or silence when there is none. */
function leave(watch: InputWatch, list: readonly DeviceEntry[], now: number, goneId: string | null): InputDecision {
  const name = chosenName(watch, list);
  if (followsDefault(watch.chosen)) {
    // The "default" entry stays while any microphone is there: the system decides which device it is now.
    const systemDefault = list.find((d) => d.deviceId === 'default');
    if (systemDefault) return decision({ ...watch, away: null }, { type: 'open', device: systemDefault, why: 'default' });
  }
  const rest = goneId !== null && !isSystemDefault(goneId) ? list.filter((d) => d.deviceId !== goneId) : list;
  // Another unit of the same model (same label) is as good as the chosen one: no stand-in period.
  const twin = findDevice(watch.chosen, rest);
  if (twin) return decision({ ...watch, away: null }, { type: 'open', device: twin, why: 'unplugged' });
  const standIn = standInFor(rest);
  const away = watch.away ?? { since: now, sawGone: false };
  const sawGone = away.sawGone || findDevice(watch.chosen, list) === null;
  const next: InputWatch = { ...watch, away: { since: away.since, sawGone } };
  if (!standIn) return decision({ ...next, using: null }, { type: 'none' }, inputNotices.nothingLeft(name));
  return decision(next, { type: 'open', device: standIn, why: 'unplugged' }, null, sawGone ? null : away.since + RETRY_AFTER_MS);
}

function returnTo(watch: InputWatch, device: DeviceEntry): InputDecision {
  return decision({ ...watch, away: null }, { type: 'open', device, why: 'returned' });
}

/**
 * The decision for one event. Unplugged: the system default (or the first microphone) at once; back: switch back;
 * a stand-in that goes too: the next one; nothing at all: silence, said plainly. Labels hidden: no judgement.
 */
export function decideInput(watch: InputWatch, event: InputEvent): InputDecision {
  const { list, now } = event;
  if (labelsHidden(list)) return decision(watch, { type: 'keep' });
  const chosenHere = findDevice(watch.chosen, list);

  if (event.type === 'ended') {
    const endedId = watch.using?.deviceId ?? null;
    // A stand-in ended while the chosen device is listed again: that is the switch back, not another loss.
    if (watch.away && chosenHere && chosenHere.deviceId !== endedId) return returnTo(watch, chosenHere);
    return leave(watch, list, now, endedId);
  }

  // Nothing is open (no microphone at start, or every one was unplugged): the first one to appear is used.
  if (!watch.using) {
    if (chosenHere) return watch.away ? returnTo(watch, chosenHere) : decision(watch, { type: 'open', device: chosenHere, why: 'appeared' });
    const standIn = standInFor(list);
    if (!standIn) return decision(watch, { type: 'keep' });
    const away = watch.away ?? (followsDefault(watch.chosen) ? null : { since: now, sawGone: true });
    return decision({ ...watch, away }, { type: 'open', device: standIn, why: away ? 'unplugged' : 'appeared' });
  }

  if (watch.away) {
    if (!chosenHere) {
      const away = { ...watch.away, sawGone: true };
      // The stand-in went too: on to the next.
      if (!list.some((d) => d.deviceId === watch.using?.deviceId)) return leave({ ...watch, away }, list, now, watch.using.deviceId);
      return decision({ ...watch, away }, { type: 'keep' });
    }
    if (watch.away.sawGone || now >= watch.away.since + RETRY_AFTER_MS) return returnTo(watch, chosenHere);
    return decision(watch, { type: 'keep' }, null, watch.away.since + RETRY_AFTER_MS);
  }

  const current = list.find((d) => d.deviceId === watch.using?.deviceId);
  // Gone from the list before its track said so: act now, not when 'ended' comes.
  if (!current) return leave(watch, list, now, watch.using.deviceId);
  // Following the system default, and the system moved it to another device (a headset plugged in, or out).
  if (isSystemDefault(current.deviceId) && followsDefault(watch.chosen) && current.label !== watch.using.label) {
    return decision(watch, { type: 'open', device: current, why: 'default' });
  }
  return decision(watch, { type: 'keep' });
}

/**
 * Opening `failed` did not work (busy, or gone after all). The chosen device: stay on the stand-in and try again
 * later. A stand-in: the next one, never the failed one again in this round (the studio passes the list without it).
 */
export function openFailed(watch: InputWatch, failed: DeviceEntry, list: readonly DeviceEntry[], now: number): InputDecision {
  const rest = list.filter((d) => d.deviceId !== failed.deviceId);
  const wasChosen = findDevice(watch.chosen, [failed]) !== null && !isSystemDefault(failed.deviceId);
  if (wasChosen && watch.using) {
    const away = { since: now, sawGone: false };
    return decision({ ...watch, away }, { type: 'keep' }, null, now + RETRY_AFTER_MS);
  }
  return leave({ ...watch, using: watch.using?.deviceId === failed.deviceId ? null : watch.using }, rest, now, failed.deviceId);
}

/** What the microphone list shows: the devices, plus the chosen one marked unplugged while it is away. */
export function inputOptions(watch: InputWatch, list: readonly DeviceEntry[]): Array<DeviceEntry & { missing: boolean }> {
  const options = list
    .filter((d) => d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, label: optionLabel(d.label, `Microphone ${i + 1}`), missing: false }));
  const chosen = watch.chosen;
  if (chosen && !followsDefault(chosen) && chosen.deviceId && !labelsHidden(list) && !findDevice(chosen, list)) {
    options.push({ deviceId: chosen.deviceId, label: `${displayLabel(chosen.label)} — unplugged`, missing: true });
  }
  return options;
}
