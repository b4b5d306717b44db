// The studio's microphone and monitor output, kept on the devices the host chose while devices come and go. The
// decisions (which device, when to switch back, what to say) are renderer/audio/devices.ts; this module only
// listens (devicechange, the track's 'ended'), asks the browser for lists, opens devices and shows the answers.
// A device change mid-space swaps the pipeline's source only (pipeline.switchDevice): the published track stays.
import type { PodiumApi, RememberedDevice } from '../../common/ipc';
import {
  chooseInput,
  decideInput,
  inputOptions,
  openFailed,
  openedNotice,
  started,
  type DeviceEntry,
  type DeviceNotice,
  type InputDecision,
  type InputWatch,
} from '../audio/devices';
import { chooseOutput, decideOutput, outputOptions, selectedOutput, type OutputDecision, type OutputWatch } from '../audio/output-devices';
import { SILENCE_DB } from '../audio/levels';
import { listAudioDevices, openMicrophone, type MicrophonePipeline } from '../audio/pipeline';
import type { ProcessingController } from '../audio/processing';
import { createStore } from '../state/store';
import { releasePipeline, usePipeline } from './media';
import { studio } from './studio-store';

export interface DevicesView {
  inputs: Array<DeviceEntry & { missing: boolean }>;
  /** The microphone open now ('' before one is). */
  inputSelected: string;
  inputNotice: DeviceNotice | null;
  outputs: Array<DeviceEntry & { missing: boolean }>;
  /** '' is the system default. */
  outputSelected: string;
  outputNotice: DeviceNotice | null;
  /** The monitor is switched on but held silent (its headphones are gone, or the system moved its output). */
  monitorPaused: boolean;
}

export const devices = createStore<DevicesView>({
  inputs: [],
  inputSelected: '',
  inputNotice: null,
  outputs: [],
  outputSelected: '',
  outputNotice: null,
  monitorPaused: false,
});

/** Passing notices ("is back") go after this long; warnings stay while they are true. */
const NOTICE_MS = 8_000;

let podium: PodiumApi | null = null;
let processing: ProcessingController | null = null;
let pipeline: MicrophonePipeline | null = null;
let stopEnded: (() => void) | null = null;
let input: InputWatch = { chosen: null, using: null, away: null };
let output: OutputWatch = { chosen: null, paused: null, defaultLabel: null };
let lists: { inputs: DeviceEntry[]; outputs: DeviceEntry[] } = { inputs: [], outputs: [] };
let sink: string | null = '';
let recheck: ReturnType<typeof setTimeout> | null = null;
/** Why the last start failed ("NotFoundError": no microphone at all), so that one plugged in starts it. */
let startFailure: string | null = null;
const noticeTimers: Partial<Record<'inputNotice' | 'outputNotice', ReturnType<typeof setTimeout>>> = {};
/** Device events are handled one at a time: an unplug fires 'ended' and devicechange within milliseconds. */
let chain: Promise<void> = Promise.resolve();

function showNotice(slot: 'inputNotice' | 'outputNotice', notice: DeviceNotice | 'clear' | null): void {
  if (notice === null) return;
  clearTimeout(noticeTimers[slot]);
  devices.set({ [slot]: notice === 'clear' ? null : notice });
  if (notice !== 'clear' && !notice.sticky) noticeTimers[slot] = setTimeout(() => devices.set({ [slot]: null }), NOTICE_MS);
}

function publishLists(): void {
  studio.set({ devices: lists.inputs.filter((d) => d.deviceId !== '').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` })) });
  devices.set({
    inputs: inputOptions(input, lists.inputs),
    inputSelected: input.using?.deviceId ?? '',
    outputs: outputOptions(output, lists.outputs),
    outputSelected: selectedOutput(output, lists.outputs),
    monitorPaused: output.paused !== null,
  });
}

async function refreshLists(): Promise<void> {
  lists = await listAudioDevices().catch(() => lists);
}

/** The listed entry for what the pipeline opened (the track's own id and label when the list lags behind). */
function entryOf(p: MicrophonePipeline): DeviceEntry {
  return lists.inputs.find((d) => d.deviceId === p.deviceId) ?? { deviceId: p.deviceId, label: p.deviceLabel };
}

function watchPipeline(next: MicrophonePipeline): void {
  stopEnded?.();
  pipeline = next;
  stopEnded = next.onSourceEnded(() => enqueue('ended'));
  void next.setMonitorOutput(sink).catch(() => {});
}

/** The microphone is open on `p` now: the studio's status line, and the device's own processing settings. */
async function markOpen(p: MicrophonePipeline): Promise<void> {
  studio.set({ mic: { status: 'on', label: p.deviceLabel, error: null, stageError: p.stageError, suspended: p.suspended } });
  await processing?.attach(p);
}

function scheduleRecheck(at: number | null): void {
  if (recheck) clearTimeout(recheck);
  recheck = at === null ? null : setTimeout(() => enqueue('devices'), Math.max(0, at - Date.now()));
}

/** Opens `device` in place of the current source (or as a new pipeline when there is none yet). */
async function openDevice(device: DeviceEntry): Promise<void> {
  if (pipeline) {
    await pipeline.switchDevice(device.deviceId);
    return;
  }
  const next = await openMicrophone(device.deviceId, processing?.store.get().settings);
  watchPipeline(next);
  await usePipeline(next);
}

/** Carries out an input decision; a device that fails to open is struck off this round and the next one tried. */
async function applyInput(decision: InputDecision, list: DeviceEntry[]): Promise<void> {
  for (let tries = 0; ; tries++) {
    const before = input;
    input = decision.watch;
    scheduleRecheck(decision.recheckAt);
    const action = decision.action;
    if (action.type !== 'open') {
      showNotice('inputNotice', decision.notice);
      return;
    }
    try {
      await openDevice(action.device);
    } catch {
      if (tries >= list.length) return;
      list = list.filter((d) => d.deviceId !== action.device.deviceId);
      decision = openFailed(input, action.device, list, Date.now());
      continue;
    }
    if (!pipeline) return;
    await refreshLists();
    const entry = entryOf(pipeline);
    input = { ...input, using: entry };
    showNotice('inputNotice', openedNotice(before, action.why, entry, lists.inputs));
    await markOpen(pipeline);
    return;
  }
}

function applyOutput(decision: OutputDecision): void {
  output = decision.watch;
  showNotice('outputNotice', decision.notice);
  if (decision.sinkId !== sink) {
    sink = decision.sinkId;
    void pipeline?.setMonitorOutput(sink).catch(() => {});
  }
}

async function handle(kind: 'devices' | 'ended'): Promise<void> {
  await refreshLists();
  // The studio started with no microphone at all and one was plugged in: start it, as the error promised.
  if (!pipeline && startFailure === 'NotFoundError' && lists.inputs.length > 0) {
    startFailure = null;
    void startMicrophone(input.chosen?.deviceId ?? null);
  }
  // Before the first microphone opens there is no choice to defend: startMicrophone does the opening.
  if (pipeline || input.away) await applyInput(decideInput(input, { type: kind, list: lists.inputs, now: Date.now() }), [...lists.inputs]);
  if (kind === 'devices') applyOutput(decideOutput(output, lists.outputs, processing?.store.get().monitor ?? false));
  publishLists();
}

function enqueue(kind: 'devices' | 'ended'): void {
  const run = () => handle(kind);
  chain = chain.then(run, run);
}

/** Starts watching devices; `remembered` are main's settings for the microphone and the monitor output. */
export function initDevices(api: PodiumApi, controller: ProcessingController, remembered: { microphone: RememberedDevice | null; output: RememberedDevice | null }): () => void {
  podium = api;
  processing = controller;
  input = { chosen: remembered.microphone, using: null, away: null };
  output = { chosen: remembered.output, paused: null, defaultLabel: null };
  const onChange = () => enqueue('devices');
  navigator.mediaDevices.addEventListener('devicechange', onChange);
  // Switching the monitor on again is the host's answer to "paused because the system output changed".
  let monitor = controller.store.get().monitor;
  const stopMonitor = controller.store.subscribe(() => {
    const now = controller.store.get().monitor;
    if (now === monitor) return;
    monitor = now;
    if (now && output.paused === 'default-changed') applyOutput(chooseOutput(output, output.chosen, lists.outputs));
    publishLists();
  });
  return () => {
    navigator.mediaDevices.removeEventListener('devicechange', onChange);
    stopMonitor();
  };
}

function micError(e: Error): string {
  if (e.name === 'NotAllowedError') return 'Podium may not use the microphone. Allow microphone access for this page, then pick a microphone again.';
  if (e.name === 'NotFoundError') return 'No microphone was found. Plug one in and Podium will start it.';
  return `The microphone could not start: ${e.message}`;
}

/**
 * Opens the microphone: at start the remembered one (its stand-in if it is not plugged in), or the one the host
 * picks (remember = true: main keeps it as the choice). With a microphone already open, only its source changes.
 */
export async function startMicrophone(deviceId: string | null, remember = false): Promise<void> {
  const run = async () => {
    const switching = pipeline !== null && studio.get().mic.status === 'on';
    studio.set((s) => ({ mic: { ...s.mic, status: 'starting', error: null } }));
    try {
      if (pipeline && switching) {
        await pipeline.switchDevice(deviceId);
      } else {
        const initial = processing?.store.get().settings;
        const next = await openMicrophone(deviceId, initial).catch((error: unknown) => {
          // A remembered device that is gone: the default stands in (and the host is told, below).
          if (deviceId && (error as Error).name === 'OverconstrainedError') return openMicrophone(null, initial);
          throw error;
        });
        watchPipeline(next);
        // The previous pipeline, if any, is closed by usePipeline once the new track is published in its place.
        await usePipeline(next);
      }
    } catch (error) {
      startFailure = (error as Error).name;
      if (pipeline && switching) {
        // The microphone in use still works: keep it, and say why the other did not open.
        studio.set((s) => ({ mic: { ...s.mic, status: 'on' } }));
        showNotice('inputNotice', { tone: 'warning', text: `${micError(error as Error)} Still using ${pipeline.deviceLabel || 'the previous microphone'}.`, sticky: false });
      } else {
        studio.set((s) => ({ mic: { ...s.mic, status: 'error', error: micError(error as Error) } }));
      }
      return;
    }
    startFailure = null;
    const open = pipeline!;
    // Labels are only readable once a device is open, so list devices now, before showing the mic as on.
    await refreshLists();
    const entry = entryOf(open);
    if (remember) {
      const choice = { deviceId: open.deviceId, label: open.deviceLabel };
      input = chooseInput(choice, entry);
      scheduleRecheck(null);
      showNotice('inputNotice', 'clear');
      const saved = await podium?.['settings:setMicrophone'](choice);
      if (saved?.ok) studio.set({ settings: saved.value });
    } else {
      const first = started(input.chosen, entry, lists.inputs, Date.now());
      input = first.watch;
      showNotice('inputNotice', first.notice);
      if (first.action.type === 'open') await applyInput(first, [...lists.inputs]);
    }
    applyOutput(decideOutput(output, lists.outputs, processing?.store.get().monitor ?? false));
    publishLists();
    if (pipeline) await markOpen(pipeline);
  };
  // Picks, unplugs and replugs go through one queue, so two of them never open devices at once.
  const done = chain.then(run, run);
  chain = done;
  return done;
}

const SILENT = { rmsDb: SILENCE_DB, peakDb: SILENCE_DB };

/**
 * What the processing controller holds while the microphone is closed: the closed pipeline's identity (so the
 * device's own settings stay loaded and shown), silent levels, no voice reports, and nothing to switch or apply.
 */
function restingPipeline(closed: MicrophonePipeline): MicrophonePipeline {
  return {
    track: closed.track,
    deviceId: closed.deviceId,
    deviceLabel: closed.deviceLabel,
    switchDevice: () => Promise.reject(new Error('The microphone is off. Start it again first.')),
    onSourceEnded: () => () => {},
    setMonitorOutput: () => Promise.resolve(),
    stageError: null,
    level: () => SILENT,
    inputLevel: () => SILENT,
    processing: closed.processing,
    setProcessing: () => Promise.resolve(),
    metrics: null,
    onMetrics: () => () => {},
    setMonitor: () => {},
    monitoring: false,
    resume: () => Promise.resolve(),
    suspended: false,
    close: () => {},
  };
}

/**
 * Closes the microphone because no space needs it (the space ended or was left, and nothing is recording): the
 * device is released (the browser's recording light goes off) and the meter and voice indicator fall silent, so
 * nothing says "Speaking" to an empty room. startMicrophone opens it again.
 */
export async function stopMicrophone(): Promise<void> {
  const run = async () => {
    if (!pipeline) return;
    const closed = pipeline;
    stopEnded?.();
    stopEnded = null;
    scheduleRecheck(null);
    pipeline = null;
    releasePipeline();
    // The processing controller reads levels and voice reports from the pipeline it was given, and a closed one's
    // analysers keep their last reading (the meters froze at −25 dB): it gets a silent stand-in until the next one.
    await processing?.attach(restingPipeline(closed));
    processing?.live.set({ metrics: null, speaking: false });
    studio.set((s) => ({ mic: { ...s.mic, status: 'off', error: null, stageError: null, suspended: false } }));
  };
  const done = chain.then(run, run);
  chain = done;
  return done;
}

/** The host picked where the monitor plays ('' = the system default); main remembers it. */
export async function chooseMonitorOutput(deviceId: string): Promise<void> {
  const entry = lists.outputs.find((d) => d.deviceId === deviceId && deviceId !== '') ?? null;
  const choice: RememberedDevice | null = entry ? { deviceId: entry.deviceId, label: entry.label } : null;
  applyOutput(chooseOutput(output, choice, lists.outputs));
  publishLists();
  const saved = await podium?.['settings:setOutput']({ output: choice });
  if (saved?.ok) studio.set({ settings: saved.value });
  else if (saved) showNotice('outputNotice', { tone: 'warning', text: `Could not remember the output: ${saved.error.message}`, sticky: false });
}

export function dismissDeviceNotice(slot: 'inputNotice' | 'outputNotice'): void {
  showNotice(slot, 'clear');
}
