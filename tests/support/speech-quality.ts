// How intelligible received speech still is, from 20 ms envelopes: the correlation of the received envelope with the
// source's (aligned window by window, because a jitter buffer under jitter stretches and drops audio), a reversed-
// source control, and the share of 20 ms blocks that came out silent where the source was speaking — the dead air a
// listener notices first. Pure: the pages record envelopes, this judges them.
import { dbfs, trackedLoopCorrelation } from './audio-analysis';

/** 20 ms at 48 kHz. */
export const BLOCK_20MS = 960;

export interface SpeechQualityOptions {
  /** A source block is speech when louder than this (dBFS RMS). */
  speechDb?: number;
  /** A received block is silent when quieter than this (dBFS RMS). */
  silentDb?: number;
  /** Alignment window and the most it may move between windows (blocks), as in trackedLoopCorrelation. */
  window?: number;
  maxStep?: number;
}

export interface SpeechQuality {
  /** Pearson correlation of the received envelope with the aligned source envelope. */
  r: number;
  /** The same against the time-reversed source: what r is worth when nothing of the shape survived. */
  control: number;
  /** Share of the source's speech blocks that were received silent. */
  silentShare: number;
  /** How many source speech blocks the recording covered. */
  speechBlocks: number;
  /** How often the alignment moved (jitter-buffer stretches and drops). */
  slips: number;
}

export const SPEECH_DB = -40;
export const SILENT_DB = -55;

/** Judges a received 20 ms envelope against the source's 20 ms envelope (the source plays in a loop). */
export function speechQuality(received: number[], loopSource: number[], options: SpeechQualityOptions = {}): SpeechQuality {
  const { speechDb = SPEECH_DB, silentDb = SILENT_DB, window = 50, maxStep = 12 } = options;
  if (received.length < window || loopSource.length === 0) throw new Error(`speechQuality needs at least ${window} received blocks and a source`);
  const tracked = trackedLoopCorrelation(received, loopSource, { window, maxStep });
  const control = trackedLoopCorrelation(received, [...loopSource].reverse(), { window, maxStep }).r;
  let speechBlocks = 0;
  let silent = 0;
  for (const { from, to, lag } of tracked.windows) {
    for (let i = from; i < to; i++) {
      if (dbfs(loopSource[(lag + i) % loopSource.length]!) <= speechDb) continue;
      speechBlocks++;
      if (dbfs(received[i]!) < silentDb) silent++;
    }
  }
  return { r: tracked.r, control, silentShare: speechBlocks > 0 ? silent / speechBlocks : 0, speechBlocks, slips: tracked.slips.length };
}
