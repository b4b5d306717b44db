// Where the studio's monitor plays as output devices come and go (the microphone side is devices.ts, whose matching
// rules this shares). Pure, like devices.ts: renderer/studio/microphone.ts feeds it lists and carries out its answers.
import { displayLabel, findDevice, isSystemDefault, labelsHidden, optionLabel, type DeviceEntry, type DeviceNotice, type RememberedDevice } from './devices';

export interface OutputWatch {
  /** The host's output choice (remembered by main); null: the system's default output. */
  chosen: RememberedDevice | null;
  /** Why the monitor is held silent although it is switched on; null when it may play. */
  paused: 'unplugged' | 'default-changed' | null;
  /** The label of the system default output when last seen, to notice when the system moves it. */
  defaultLabel: string | null;
}

export interface OutputDecision {
  watch: OutputWatch;
  /** The sink to play the monitor on: '' is the system default, null means silent (paused). */
  sinkId: string | null;
  notice: DeviceNotice | 'clear' | null;
}

// Worded around "the monitor's output" so that "Headphones" and "Speaker" read alike (no "was"/"were" to get wrong).
export const outputNotices = {
  unplugged: (name: string): DeviceNotice => ({
    tone: 'warning',
    text: `The monitor's output, ${name}, was unplugged — the monitor is paused rather than moved to your speakers, where it would feed back. It resumes when the device returns.`,
    sticky: true,
  }),
  returned: (name: string): DeviceNotice => ({ tone: 'info', text: `The monitor plays on ${name} again.`, sticky: false }),
  defaultChanged: (name: string): DeviceNotice => ({
    tone: 'warning',
    text: `The system's sound output changed to ${name} — the monitor is paused in case that is a speaker. Switch the monitor on again if it is headphones.`,
    sticky: true,
  }),
};

function sinkOf(watch: OutputWatch, device: DeviceEntry | null): string | null {
  if (watch.paused) return null;
  return device && !isSystemDefault(device.deviceId) ? device.deviceId : '';
}

/**
 * Where the monitor plays after a device change. A chosen output that goes away pauses the monitor rather than
 * falling back to the default: with headphones gone the default is usually the speakers, and a monitor there feeds
 * the microphone back to every listener. For the same reason, a monitor that follows the system default pauses when
 * the system moves its default while monitoring (a headset unplugged switches most systems to the speakers).
 */
export function decideOutput(watch: OutputWatch, list: readonly DeviceEntry[], monitoring: boolean): OutputDecision {
  if (labelsHidden(list)) return { watch, sinkId: sinkOf(watch, findDevice(watch.chosen, list)), notice: null };
  const systemDefault = list.find((d) => d.deviceId === 'default') ?? null;
  const defaultLabel = systemDefault ? displayLabel(systemDefault.label, 'the default output') : null;
  const seen: OutputWatch = { ...watch, defaultLabel };

  if (!watch.chosen || isSystemDefault(watch.chosen.deviceId)) {
    const moved = watch.defaultLabel !== null && defaultLabel !== null && defaultLabel !== watch.defaultLabel;
    if (moved && monitoring && watch.paused === null) {
      return { watch: { ...seen, paused: 'default-changed' }, sinkId: null, notice: outputNotices.defaultChanged(defaultLabel) };
    }
    return { watch: seen, sinkId: sinkOf(seen, systemDefault), notice: null };
  }

  const here = findDevice(watch.chosen, list);
  const name = displayLabel(watch.chosen.label, 'headphones');
  if (!here) {
    if (watch.paused === 'unplugged') return { watch: seen, sinkId: null, notice: null };
    return { watch: { ...seen, paused: 'unplugged' }, sinkId: null, notice: monitoring ? outputNotices.unplugged(name) : null };
  }
  if (watch.paused === 'unplugged') {
    const back: OutputWatch = { ...seen, paused: null };
    return { watch: back, sinkId: here.deviceId, notice: monitoring ? outputNotices.returned(name) : 'clear' };
  }
  return { watch: seen, sinkId: sinkOf(seen, here), notice: null };
}

/** The host picked an output (or switched the monitor on again): a fresh start, nothing paused. */
export function chooseOutput(watch: OutputWatch, chosen: RememberedDevice | null, list: readonly DeviceEntry[]): OutputDecision {
  const next: OutputWatch = { ...watch, chosen, paused: null };
  const decided = decideOutput(next, list, false);
  return { ...decided, notice: 'clear' };
}

/** What the output list shows: the system default first, then the devices, the chosen one marked when unplugged. */
export function outputOptions(watch: OutputWatch, list: readonly DeviceEntry[]): Array<DeviceEntry & { missing: boolean }> {
  const systemDefault = list.find((d) => d.deviceId === 'default');
  const options = [
    { deviceId: '', label: systemDefault?.label ? `System default (${displayLabel(systemDefault.label)})` : 'System default', missing: false },
    ...list.filter((d) => d.deviceId !== '' && !isSystemDefault(d.deviceId)).map((d, i) => ({ deviceId: d.deviceId, label: optionLabel(d.label, `Output ${i + 1}`), missing: false })),
  ];
  const chosen = watch.chosen;
  if (chosen && !isSystemDefault(chosen.deviceId) && chosen.deviceId && !labelsHidden(list) && !findDevice(chosen, list)) {
    options.push({ deviceId: chosen.deviceId, label: `${displayLabel(chosen.label, 'Headphones')} — unplugged`, missing: true });
  }
  return options;
}

/** Which option of outputOptions is selected: the chosen device's current id, '' for the system default. */
export function selectedOutput(watch: OutputWatch, list: readonly DeviceEntry[]): string {
  const chosen = watch.chosen;
  if (!chosen || isSystemDefault(chosen.deviceId)) return '';
  return findDevice(chosen, list)?.deviceId ?? chosen.deviceId;
}
