// The studio's per-device processing settings: loaded from main for each microphone, applied live, saved once after
// a burst of changes, and never lost to a slow load.
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROCESSING, type ProcessingSettings } from '../../../../common/ipc';
import type { MicrophonePipeline, StageMetrics } from '../../../../renderer/audio/pipeline';
import { createProcessingController } from '../../../../renderer/audio/processing';

function fakePipeline(label: string): MicrophonePipeline & { applied: ProcessingSettings[] } {
  const applied: ProcessingSettings[] = [];
  return {
    applied,
    track: {} as MediaStreamTrack,
    deviceId: label,
    deviceLabel: label,
    switchDevice: async () => {},
    onSourceEnded: () => () => {},
    setMonitorOutput: async () => {},
    stageError: null,
    level: () => ({ rmsDb: -20, peakDb: -10 }),
    inputLevel: () => ({ rmsDb: -20, peakDb: -10 }),
    processing: DEFAULT_PROCESSING,
    setProcessing: async (s) => void applied.push(s),
    metrics: null,
    onMetrics: (_l: (m: StageMetrics) => void) => () => {},
    setMonitor: () => {},
    monitoring: false,
    resume: async () => {},
    suspended: false,
    close: () => {},
  };
}

const later = () => new Promise((r) => setTimeout(r, 30));

describe('processing settings per device', () => {
  it('loads each device its own settings and applies them to the pipeline', async () => {
    const stored: Record<string, ProcessingSettings> = { 'USB Mic': { ...DEFAULT_PROCESSING, strength: 0.4 } };
    const c = createProcessingController({ load: async (k) => stored[k] ?? null, save: async () => null, saveDelayMs: 10 });
    const usb = fakePipeline('USB Mic');
    await c.attach(usb);
    expect(c.store.get()).toMatchObject({ deviceKey: 'USB Mic', loaded: true, settings: { strength: 0.4 } });
    expect(usb.applied.at(-1)?.strength).toBe(0.4);
    const laptop = fakePipeline('Laptop Mic');
    await c.attach(laptop);
    expect(c.store.get().settings).toEqual(DEFAULT_PROCESSING);
  });

  it('saves a burst of changes once, for the device they were made on', async () => {
    const save = vi.fn(async () => null);
    const c = createProcessingController({ load: async () => null, save, saveDelayMs: 20 });
    await c.attach(fakePipeline('USB Mic'));
    for (let i = 1; i <= 10; i++) c.update({ strength: i / 10 });
    expect(c.store.get().save).toBe('pending');
    await later();
    await later();
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith('USB Mic', expect.objectContaining({ strength: 1 }));
    expect(c.store.get().save).toBe('saved');
    // Switching device saves what is pending on the old one first.
    c.update({ model: 'lowCpu' });
    await c.attach(fakePipeline('Other'));
    expect(save).toHaveBeenLastCalledWith('USB Mic', expect.objectContaining({ model: 'lowCpu' }));
  });

  it('keeps a change made while the device settings were still loading', async () => {
    let release: (s: ProcessingSettings | null) => void = () => {};
    let loading: () => void = () => {};
    const loadStarted = new Promise<void>((r) => (loading = r));
    const save = vi.fn(async () => null);
    const load = () => new Promise<ProcessingSettings | null>((r) => ((release = r), loading()));
    const c = createProcessingController({ load, save, saveDelayMs: 10 });
    const mic = fakePipeline('USB Mic');
    const attaching = c.attach(mic);
    await loadStarted;
    c.update({ noiseSuppression: false });
    release({ ...DEFAULT_PROCESSING, strength: 0.3 });
    await attaching;
    expect(c.store.get().settings.noiseSuppression).toBe(false);
    expect(mic.applied.at(-1)?.noiseSuppression).toBe(false);
    await later();
    expect(save).toHaveBeenCalledWith('USB Mic', expect.objectContaining({ noiseSuppression: false }));
  });

  it('says when saving failed', async () => {
    const c = createProcessingController({ load: async () => null, save: async () => 'disk full', saveDelayMs: 5 });
    await c.attach(fakePipeline('USB Mic'));
    c.update({ strength: 0.5 });
    await later();
    expect(c.store.get()).toMatchObject({ save: 'failed', problem: expect.stringContaining('disk full') });
  });
});
