// Which microphone and monitor output the studio uses as devices come and go, and what the host is told: unplug
// mid-space, replug, a look-alike device, the system default moving or vanishing, no devices, hidden labels.
import { describe, expect, it } from 'vitest';
import {
  RETRY_AFTER_MS,
  chooseInput,
  decideInput,
  deviceName,
  displayLabel,
  findDevice,
  inputOptions,
  labelsHidden,
  openFailed,
  openedNotice,
  started,
  type DeviceEntry,
  type InputDecision,
  type InputWatch,
} from '../../../../renderer/audio/devices';
import { chooseOutput, decideOutput, outputOptions, selectedOutput, type OutputWatch } from '../../../../renderer/audio/output-devices';

const BUILT_IN: DeviceEntry = { deviceId: 'b1', label: 'MacBook Pro Microphone', groupId: 'g-built-in' };
const USB: DeviceEntry = { deviceId: 'u1', label: 'Blue Yeti (046d:0ab9)', groupId: 'g-usb' };
const USB_OTHER_PORT: DeviceEntry = { deviceId: 'u2', label: 'Blue Yeti (046d:0ab9)', groupId: 'g-usb-2' };
const defaultOf = (d: DeviceEntry): DeviceEntry => ({ deviceId: 'default', label: `Default - ${d.label}`, groupId: d.groupId });
/** Chromium's list before the page may use a microphone: one entry, no id, no label. */
const HIDDEN: DeviceEntry[] = [{ deviceId: '', label: '', groupId: '' }];

const usbChosen = { deviceId: 'u1', label: USB.label };
const onUsb: InputWatch = { chosen: usbChosen, using: USB, away: null };

function openOf(d: InputDecision): DeviceEntry {
  if (d.action.type !== 'open') throw new Error(`expected an open, got ${d.action.type}`);
  return d.action.device;
}

/** What the studio does after an open succeeds: record the device and show openedNotice. */
function afterOpen(d: InputDecision, list: DeviceEntry[]): { watch: InputWatch; text: string | null } {
  const device = openOf(d);
  if (d.action.type !== 'open') throw new Error('unreachable');
  const notice = openedNotice(d.watch, d.action.why, device, list);
  // openedNotice reads the watch from before the open; the studio passes it the same way.
  return { watch: { ...d.watch, using: device }, text: notice === 'clear' ? null : notice.text };
}

describe('labels and matching', () => {
  it('names devices as people know them: no "Default - " prefix, no USB ids', () => {
    expect(displayLabel('Default - MacBook Pro Microphone')).toBe('MacBook Pro Microphone');
    expect(displayLabel('Communications - Headset (Jabra)')).toBe('Headset (Jabra)');
    expect(displayLabel('Blue Yeti (046d:0ab9)')).toBe('Blue Yeti');
    expect(displayLabel('')).toBe('microphone');
    // The "default" entry is named after the device behind it (same groupId).
    expect(deviceName(defaultOf(USB), [defaultOf(USB), BUILT_IN, USB])).toBe('Blue Yeti');
  });

  it('finds the remembered device by id, else by label (ids change with the USB port), the id winning', () => {
    expect(findDevice(usbChosen, [BUILT_IN, USB])).toBe(USB);
    expect(findDevice(usbChosen, [BUILT_IN, USB_OTHER_PORT])).toBe(USB_OTHER_PORT);
    expect(findDevice(usbChosen, [USB_OTHER_PORT, USB])).toBe(USB);
    expect(findDevice(usbChosen, [BUILT_IN])).toBeNull();
    // A label match never picks the "default" pseudo-device, whose label embeds the real one's.
    expect(findDevice({ deviceId: 'gone', label: `Default - ${USB.label}` }, [defaultOf(USB), USB])).toBeNull();
  });

  it('a remembered system default is found wherever the browser lists a default', () => {
    expect(findDevice(null, [defaultOf(BUILT_IN), BUILT_IN])?.deviceId).toBe('default');
    expect(findDevice({ deviceId: 'default', label: 'Default - Old' }, [defaultOf(USB), USB])?.deviceId).toBe('default');
    expect(findDevice(null, [BUILT_IN])).toBeNull();
  });

  it('knows when labels are hidden (before permission), and that an empty list is not that', () => {
    expect(labelsHidden(HIDDEN)).toBe(true);
    expect(labelsHidden([{ deviceId: 'x', label: '' }])).toBe(true);
    expect(labelsHidden([])).toBe(false);
    expect(labelsHidden([BUILT_IN])).toBe(false);
  });
});

describe('microphone unplugged and back', () => {
  const withUsb = [defaultOf(BUILT_IN), BUILT_IN, USB];
  const withoutUsb = [defaultOf(BUILT_IN), BUILT_IN];

  it('unplug (the track ends): the system default at once, with the notice the host needs', () => {
    const d = decideInput(onUsb, { type: 'ended', list: withUsb, now: 1000 });
    expect(openOf(d).deviceId).toBe('default');
    const { text } = afterOpen(d, withoutUsb);
    expect(text).toBe('Your Blue Yeti was unplugged — using MacBook Pro Microphone. Podium will switch back when it returns.');
    expect(d.watch.away).toMatchObject({ since: 1000 });
  });

  it('unplug seen in the list first (devicechange before ended): acts then, not later', () => {
    const d = decideInput(onUsb, { type: 'devices', list: withoutUsb, now: 1000 });
    expect(openOf(d).deviceId).toBe('default');
    expect(d.watch.away).toEqual({ since: 1000, sawGone: true });
    // And the 'ended' that follows does not start another round.
    const next = decideInput({ ...d.watch, using: defaultOf(BUILT_IN) }, { type: 'devices', list: withoutUsb, now: 1100 });
    expect(next.action.type).toBe('keep');
  });

  it('replug: switches back and says so; the stand-in period is over', () => {
    const gone = decideInput(onUsb, { type: 'devices', list: withoutUsb, now: 1000 });
    const standing = { ...gone.watch, using: defaultOf(BUILT_IN) };
    const back = decideInput(standing, { type: 'devices', list: withUsb, now: 60_000 });
    expect(openOf(back)).toBe(USB);
    expect(back.watch.away).toBeNull();
    expect(afterOpen(back, withUsb).text).toBe('Your Blue Yeti is back — Podium switched back to it.');
  });

  it('replugged into another port (new id, same label): that is the same microphone coming back', () => {
    const gone = decideInput(onUsb, { type: 'devices', list: withoutUsb, now: 1000 });
    const back = decideInput({ ...gone.watch, using: BUILT_IN }, { type: 'devices', list: [...withoutUsb, USB_OTHER_PORT], now: 2000 });
    expect(openOf(back)).toBe(USB_OTHER_PORT);
  });

  it('a look-alike plugged in while the chosen one is in use changes nothing; the id tells them apart', () => {
    const d = decideInput(onUsb, { type: 'devices', list: [...withUsb, USB_OTHER_PORT], now: 1000 });
    expect(d.action.type).toBe('keep');
    // And if the one in use goes, the look-alike counts as the chosen one: it is used, not the built-in.
    const gone = decideInput(onUsb, { type: 'devices', list: [...withoutUsb, USB_OTHER_PORT], now: 2000 });
    expect(openOf(gone)).toBe(USB_OTHER_PORT);
    expect(gone.watch.away).toBeNull();
    expect(afterOpen(gone, [...withoutUsb, USB_OTHER_PORT]).text).toBe('Your Blue Yeti was unplugged — using your other Blue Yeti.');
  });

  it('a track that ended while the device stays listed is retried after a while, not at once', () => {
    const ended = decideInput(onUsb, { type: 'ended', list: withUsb, now: 1000 });
    expect(openOf(ended).deviceId).toBe('default');
    expect(ended.recheckAt).toBe(1000 + RETRY_AFTER_MS);
    const standing = { ...ended.watch, using: defaultOf(BUILT_IN) };
    expect(decideInput(standing, { type: 'devices', list: withUsb, now: 2000 }).action.type).toBe('keep');
    expect(openOf(decideInput(standing, { type: 'devices', list: withUsb, now: 1000 + RETRY_AFTER_MS }))).toBe(USB);
  });

  it('if the chosen one fails to open when it seems back, the stand-in stays and it is tried later', () => {
    const standing: InputWatch = { chosen: usbChosen, using: BUILT_IN, away: { since: 0, sawGone: true } };
    const failed = openFailed(standing, USB, [BUILT_IN, USB], 9000);
    expect(failed.action.type).toBe('keep');
    expect(failed.watch.using).toBe(BUILT_IN);
    expect(failed.recheckAt).toBe(9000 + RETRY_AFTER_MS);
  });

  it('a stand-in that fails to open: the next one, never the failed one', () => {
    const other: DeviceEntry = { deviceId: 'w1', label: 'Webcam Microphone' };
    const d = openFailed({ chosen: usbChosen, using: USB, away: { since: 0, sawGone: true } }, defaultOf(BUILT_IN), [defaultOf(BUILT_IN), other], 100);
    expect(openOf(d)).toBe(other);
  });

  it('the stand-in unplugged too: on to the next; nothing left: silence, said plainly', () => {
    const webcam: DeviceEntry = { deviceId: 'w1', label: 'Webcam Microphone' };
    const standing: InputWatch = { chosen: usbChosen, using: BUILT_IN, away: { since: 0, sawGone: true } };
    const next = decideInput(standing, { type: 'devices', list: [webcam], now: 10 });
    expect(openOf(next)).toBe(webcam);
    const none = decideInput(standing, { type: 'devices', list: [], now: 10 });
    expect(none.action.type).toBe('none');
    expect(none.notice).toMatchObject({ tone: 'warning', sticky: true });
    expect(none.notice !== 'clear' && none.notice?.text).toBe(
      'Your Blue Yeti was unplugged and no other microphone is connected, so listeners hear silence. Podium will use it again when it returns.',
    );
    // It comes back to an empty studio: used at once.
    const back = decideInput(none.watch, { type: 'devices', list: [USB], now: 20 });
    expect(openOf(back)).toBe(USB);
    expect(back.action.type === 'open' && back.action.why).toBe('returned');
  });

  it('an empty list: nothing to open, nothing claimed', () => {
    const d = decideInput(onUsb, { type: 'ended', list: [], now: 1 });
    expect(d.action.type).toBe('none');
    const idle = decideInput({ chosen: null, using: null, away: null }, { type: 'devices', list: [], now: 1 });
    expect(idle.action.type).toBe('keep');
    expect(idle.notice).toBeNull();
  });

  it('labels hidden before permission: no judgement either way', () => {
    expect(decideInput(onUsb, { type: 'devices', list: HIDDEN, now: 1 })).toMatchObject({ action: { type: 'keep' }, notice: null });
    expect(decideInput(onUsb, { type: 'ended', list: HIDDEN, now: 1 }).action.type).toBe('keep');
    expect(started(usbChosen, BUILT_IN, HIDDEN, 1)).toMatchObject({ action: { type: 'keep' }, notice: null });
  });
});

describe('following the system default', () => {
  const onDefault: InputWatch = { chosen: null, using: defaultOf(USB), away: null };

  it('the default device unplugged: the default is opened again (now another device) and named', () => {
    const d = decideInput(onDefault, { type: 'ended', list: [defaultOf(BUILT_IN), BUILT_IN], now: 1 });
    expect(openOf(d).deviceId).toBe('default');
    expect(d.watch.away).toBeNull();
    expect(afterOpen(d, [defaultOf(BUILT_IN), BUILT_IN]).text).toBe("Now using MacBook Pro Microphone, the system's default microphone.");
  });

  it('the system moves its default (a headset plugged in): the studio follows', () => {
    const d = decideInput({ chosen: null, using: defaultOf(BUILT_IN), away: null }, { type: 'devices', list: [defaultOf(USB), BUILT_IN, USB], now: 1 });
    expect(openOf(d).deviceId).toBe('default');
    expect(d.action.type === 'open' && d.action.why).toBe('default');
  });

  it('the default entry disappearing: the first microphone stands in, and the default is taken back when it returns', () => {
    const d = decideInput(onDefault, { type: 'devices', list: [BUILT_IN], now: 1 });
    expect(openOf(d)).toBe(BUILT_IN);
    expect(d.watch.away).toEqual({ since: 1, sawGone: true });
    const back = decideInput({ ...d.watch, using: BUILT_IN }, { type: 'devices', list: [defaultOf(BUILT_IN), BUILT_IN], now: 2 });
    expect(openOf(back).deviceId).toBe('default');
  });

  it('re-opening a default that is still the same device is no news', () => {
    const d = decideInput(onDefault, { type: 'ended', list: [defaultOf(USB), USB], now: 1 });
    expect(afterOpen(d, [defaultOf(USB), USB]).text).toBeNull();
  });
});

describe('at start and when the host picks', () => {
  it('the remembered microphone is not plugged in: the stand-in is named, and it is taken when it appears', () => {
    const first = started(usbChosen, defaultOf(BUILT_IN), [defaultOf(BUILT_IN), BUILT_IN], 5);
    expect(first.notice !== 'clear' && first.notice?.text).toBe(
      'Your Blue Yeti is not connected — using MacBook Pro Microphone. Podium will switch to it when you plug it in.',
    );
    const later = decideInput(first.watch, { type: 'devices', list: [defaultOf(BUILT_IN), BUILT_IN, USB], now: 6 });
    expect(openOf(later)).toBe(USB);
  });

  it('the browser opened the default though the remembered one is listed (new id): it is opened', () => {
    const first = started(usbChosen, defaultOf(BUILT_IN), [defaultOf(BUILT_IN), BUILT_IN, USB_OTHER_PORT], 5);
    expect(openOf(first)).toBe(USB_OTHER_PORT);
  });

  it('a pick is the new choice and ends any stand-in period', () => {
    expect(chooseInput({ deviceId: 'b1', label: BUILT_IN.label }, BUILT_IN)).toEqual({ chosen: { deviceId: 'b1', label: BUILT_IN.label }, using: BUILT_IN, away: null });
  });

  it('the list keeps the chosen microphone, marked unplugged, while it is away', () => {
    const options = inputOptions({ chosen: usbChosen, using: BUILT_IN, away: { since: 0, sawGone: true } }, [BUILT_IN]);
    expect(options).toEqual([
      { deviceId: 'b1', label: BUILT_IN.label, missing: false },
      { deviceId: 'u1', label: 'Blue Yeti — unplugged', missing: true },
    ]);
    // Plain names: the system default marked as such, no USB ids; a browser's own labels left as they are.
    expect(inputOptions(onUsb, [defaultOf(USB), USB, { deviceId: 'f', label: 'Fake Default Audio Input' }]).map((o) => o.label)).toEqual([
      'Default: Blue Yeti',
      'Blue Yeti',
      'Fake Default Audio Input',
    ]);
    expect(inputOptions(onUsb, HIDDEN)).toEqual([]);
  });
});

describe('monitor output', () => {
  const HEADPHONES: DeviceEntry = { deviceId: 'h1', label: 'AirPods Pro', groupId: 'g-h' };
  const SPEAKERS: DeviceEntry = { deviceId: 's1', label: 'MacBook Pro Speakers', groupId: 'g-s' };
  const chosen = { deviceId: 'h1', label: 'AirPods Pro' };
  const onHeadphones: OutputWatch = { chosen, paused: null, defaultLabel: null };

  it('plays on the chosen device while it is there', () => {
    expect(decideOutput(onHeadphones, [defaultOf(SPEAKERS), SPEAKERS, HEADPHONES], true).sinkId).toBe('h1');
  });

  it('headphones unplugged while monitoring: paused, never moved to the speakers; back: resumes', () => {
    const gone = decideOutput(onHeadphones, [defaultOf(SPEAKERS), SPEAKERS], true);
    expect(gone.sinkId).toBeNull();
    expect(gone.notice !== 'clear' && gone.notice?.text).toBe(
      "The monitor's output, AirPods Pro, was unplugged — the monitor is paused rather than moved to your speakers, where it would feed back. It resumes when the device returns.",
    );
    const back = decideOutput(gone.watch, [defaultOf(SPEAKERS), SPEAKERS, HEADPHONES], true);
    expect(back.sinkId).toBe('h1');
    expect(back.notice !== 'clear' && back.notice?.text).toBe('The monitor plays on AirPods Pro again.');
  });

  it('headphones unplugged while not monitoring: silent decision, no notice', () => {
    const gone = decideOutput(onHeadphones, [SPEAKERS], false);
    expect(gone).toMatchObject({ sinkId: null, notice: null });
  });

  it('following the system default: a default that moves while monitoring pauses it; switching on again resumes', () => {
    const first = decideOutput({ chosen: null, paused: null, defaultLabel: null }, [defaultOf(HEADPHONES), HEADPHONES, SPEAKERS], true);
    expect(first.sinkId).toBe('');
    const moved = decideOutput(first.watch, [defaultOf(SPEAKERS), SPEAKERS], true);
    expect(moved.sinkId).toBeNull();
    expect(moved.watch.paused).toBe('default-changed');
    const again = chooseOutput(moved.watch, null, [defaultOf(SPEAKERS), SPEAKERS]);
    expect(again.sinkId).toBe('');
    expect(again.notice).toBe('clear');
  });

  it('the chooser lists the system default first and keeps an unplugged choice visible', () => {
    const list = [defaultOf(SPEAKERS), SPEAKERS];
    expect(outputOptions(onHeadphones, list)).toEqual([
      { deviceId: '', label: 'System default (MacBook Pro Speakers)', missing: false },
      { deviceId: 's1', label: 'MacBook Pro Speakers', missing: false },
      { deviceId: 'h1', label: 'AirPods Pro — unplugged', missing: true },
    ]);
    expect(selectedOutput(onHeadphones, list)).toBe('h1');
    expect(selectedOutput({ chosen: null, paused: null, defaultLabel: null }, list)).toBe('');
    expect(outputOptions({ chosen: null, paused: null, defaultLabel: null }, [])).toEqual([{ deviceId: '', label: 'System default', missing: false }]);
  });

  it('labels hidden: keeps playing where it was asked to', () => {
    expect(decideOutput(onHeadphones, HIDDEN, true)).toMatchObject({ sinkId: '', notice: null });
  });
});
