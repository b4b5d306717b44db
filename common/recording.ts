// Local recording, shared by the renderer (which taps the audio) and the main-side recorder (which writes it):
// the binary PCM frame that carries audio between them, and the schemas of the recording calls and their answers.
// Audio never travels as JSON: one frame is a small header and raw little-endian float32 samples.
import { z } from 'zod';
import { spaceIdSchema } from './space';

export const RECORDING_SAMPLE_RATE = 48_000;
/** 24-bit PCM: what editors expect from a production recording, with headroom a 16-bit file lacks. */
export const RECORDING_BITS = 24;

// ── Binary PCM frames ───────────────────────────────────────────────────────────────────────────────────────────
//  0  u32  magic 'PCMF' (0x464d4350 read little-endian)
//  4  u8   version (1)
//  5  u8   reserved (0)
//  6  u16  track index (0 is the mix; 1.. people, as announced by recording:addTrack)
//  8  u32  recording serial (refuses frames meant for an earlier recording)
// 12  f64  start frame: the position of the first sample on the recording's sample clock (an integer ≥ 0)
// 20  u32  sample count n (1..PCM_MAX_SAMPLES)
// 24  f32 × n  samples, mono, little-endian
export const PCM_MAGIC = 0x464d4350;
export const PCM_VERSION = 1;
export const PCM_HEADER_BYTES = 24;
/** One second at most per frame: the tap sends ~100 ms. */
export const PCM_MAX_SAMPLES = RECORDING_SAMPLE_RATE;
export const PCM_MAX_TRACKS = 64;
/** A frame starting more than this far ahead is refused: it would make the writer pad hours of silence. */
export const PCM_MAX_FRAME = RECORDING_SAMPLE_RATE * 60 * 60 * 48;

export interface PcmFrame {
  track: number;
  serial: number;
  startFrame: number;
  samples: Float32Array;
}

export function encodePcmFrame(frame: PcmFrame): ArrayBuffer {
  const n = frame.samples.length;
  const buffer = new ArrayBuffer(PCM_HEADER_BYTES + n * 4);
  const view = new DataView(buffer);
  view.setUint32(0, PCM_MAGIC, true);
  view.setUint8(4, PCM_VERSION);
  view.setUint8(5, 0);
  view.setUint16(6, frame.track, true);
  view.setUint32(8, frame.serial >>> 0, true);
  view.setFloat64(12, frame.startFrame, true);
  view.setUint32(20, n, true);
  new Float32Array(buffer, PCM_HEADER_BYTES, n).set(frame.samples);
  return buffer;
}

export type PcmDecode = { ok: true; frame: PcmFrame } | { ok: false; message: string };

export interface PcmHeader {
  track: number;
  serial: number;
  startFrame: number;
  sampleCount: number;
}

/**
 * The header alone, checked as decodePcmFrame checks it (everything but the sample values): what a queue that drops a
 * frame may trust about it. Null for anything that is not a well-formed frame.
 */
export function readPcmHeader(bytes: Uint8Array): PcmHeader | null {
  if (bytes.byteLength < PCM_HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== PCM_MAGIC || view.getUint8(4) !== PCM_VERSION) return null;
  const track = view.getUint16(6, true);
  const startFrame = view.getFloat64(12, true);
  const sampleCount = view.getUint32(20, true);
  if (track >= PCM_MAX_TRACKS || !Number.isInteger(startFrame) || startFrame < 0 || startFrame > PCM_MAX_FRAME) return null;
  if (sampleCount < 1 || sampleCount > PCM_MAX_SAMPLES || bytes.byteLength !== PCM_HEADER_BYTES + sampleCount * 4) return null;
  return { track, serial: view.getUint32(8, true), startFrame, sampleCount };
}

/**
 * Checks everything before anything is written: a bad frame is refused whole, with a reason. Samples outside
 * [-1, 1] are legal (Web Audio can overshoot; the writer clips), but NaN and infinities are not.
 */
export function decodePcmFrame(bytes: Uint8Array): PcmDecode {
  if (bytes.byteLength < PCM_HEADER_BYTES) return { ok: false, message: `an audio frame has a ${PCM_HEADER_BYTES}-byte header; got ${bytes.byteLength} bytes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== PCM_MAGIC) return { ok: false, message: 'not an audio frame (bad magic)' };
  if (view.getUint8(4) !== PCM_VERSION) return { ok: false, message: `audio frame version ${view.getUint8(4)} is not supported` };
  const track = view.getUint16(6, true);
  if (track >= PCM_MAX_TRACKS) return { ok: false, message: `track ${track} is out of range` };
  const serial = view.getUint32(8, true);
  const startFrame = view.getFloat64(12, true);
  if (!Number.isInteger(startFrame) || startFrame < 0 || startFrame > PCM_MAX_FRAME) {
    return { ok: false, message: 'an audio frame starts at a whole, non-negative sample position' };
  }
  const n = view.getUint32(20, true);
  if (n < 1 || n > PCM_MAX_SAMPLES) return { ok: false, message: `an audio frame holds 1–${PCM_MAX_SAMPLES} samples; it says ${n}` };
  if (bytes.byteLength !== PCM_HEADER_BYTES + n * 4) {
    return { ok: false, message: `an audio frame of ${n} samples is ${PCM_HEADER_BYTES + n * 4} bytes; got ${bytes.byteLength}` };
  }
  // Copy: the caller's buffer may be reused or be unaligned for a Float32Array view.
  const samples = new Float32Array(n);
  new Uint8Array(samples.buffer).set(bytes.subarray(PCM_HEADER_BYTES));
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(samples[i]!)) return { ok: false, message: `sample ${i} of the frame is not a number` };
  }
  return { ok: true, frame: { track, serial, startFrame, samples } };
}

// ── Calls and answers ───────────────────────────────────────────────────────────────────────────────────────────
export const recordingIdSchema = z.string().regex(/^r[a-f0-9]{12}$/, 'a recording id is r followed by 12 hex digits');
export const trackKindSchema = z.enum(['mix', 'host', 'speaker']);
export type TrackKind = z.infer<typeof trackKindSchema>;
export const markerKindSchema = z.enum([
  'manual',
  'approved',
  'muted',
  'demoted',
  'removed',
  'blocked',
  'pin',
  'report',
  /** The writer or the link fell behind: what is missing was recorded as silence. */
  'gap',
]);
export type MarkerKind = z.infer<typeof markerKindSchema>;
export const MARKER_LABEL_MAX = 120;

export const marker = z.object({
  /** Sample position on the recording's clock. */
  frame: z.number().int().nonnegative().max(PCM_MAX_FRAME),
  kind: markerKindSchema,
  label: z.string().trim().max(MARKER_LABEL_MAX),
});
export type Marker = z.infer<typeof marker>;

export const loudnessSchema = z.object({
  /** Integrated loudness, LUFS (ITU-R BS.1770-4 gating); null when everything was below the absolute gate. */
  integrated: z.number().nullable(),
  /** Loudness range, LU (EBU Tech 3342). */
  range: z.number().nullable(),
  /** True peak, dBTP (4× oversampled, BS.1770-4 Annex 2). */
  truePeak: z.number().nullable(),
});
export type Loudness = z.infer<typeof loudnessSchema>;

export const trackInfoSchema = z.object({
  index: z.number().int().min(0).max(PCM_MAX_TRACKS - 1),
  kind: trackKindSchema,
  /** The participant id on the space server; empty for the mix. */
  participantId: z.string().max(40),
  name: z.string().max(120),
});
export type TrackInfo = z.infer<typeof trackInfoSchema>;

export const recordingStatusSchema = z.enum(['recording', 'complete', 'recovered', 'failed']);
export type RecordingStatus = z.infer<typeof recordingStatusSchema>;

export const recordingEntrySchema = z.object({
  id: recordingIdSchema,
  title: z.string(),
  spaceId: z.string(),
  folder: z.string(),
  /** Wall-clock start, ms since the epoch. */
  startedAt: z.number().int(),
  durationMs: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  tracks: z.array(
    trackInfoSchema.extend({ file: z.string(), loudness: loudnessSchema.nullable() }),
  ),
  markerCount: z.number().int().nonnegative(),
  status: recordingStatusSchema,
  /** What a person should know: recovered after a crash, stopped by a full disk, … */
  message: z.string().nullable(),
  /** The mix's loudness, once measured. */
  loudness: loudnessSchema.nullable(),
  /** The −16 LUFS export, once made. */
  normalizedFile: z.string().nullable(),
});
export type RecordingEntry = z.infer<typeof recordingEntrySchema>;

export const activeRecordingSchema = z.object({
  id: recordingIdSchema,
  serial: z.number().int().nonnegative(),
  title: z.string(),
  folder: z.string(),
  startedAt: z.number().int(),
  /** Audio written so far, by the longest track. */
  writtenMs: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Free space on the recording's disk; null if the system cannot tell. */
  freeBytes: z.number().int().nonnegative().nullable(),
  tracks: z.array(trackInfoSchema.extend({ writtenMs: z.number().int().nonnegative() })),
  markers: z.array(marker),
  /** Audio the writer could not keep up with and replaced by silence, in ms. */
  droppedMs: z.number().int().nonnegative(),
});
export type ActiveRecording = z.infer<typeof activeRecordingSchema>;

export const recorderStatusSchema = z.object({
  active: activeRecordingSchema.nullable(),
  /** Set when the last recording ended on an error (disk full, folder deleted…): what happened, in words. */
  lastError: z.string().nullable(),
  /** Recordings found unfinished at start and repaired; shown once. */
  recovered: z.array(recordingEntrySchema),
  /** Where recordings go. */
  directory: z.string(),
});
export type RecorderStatus = z.infer<typeof recorderStatusSchema>;

export const startRecordingSchema = z
  .object({ spaceId: spaceIdSchema, title: z.string().trim().min(1).max(120) })
  .strict();
export const addTrackSchema = z.object({ id: recordingIdSchema, track: trackInfoSchema.strict() }).strict();
export const markSchema = z
  .object({ id: recordingIdSchema, marker: marker.strict() })
  .strict();
export const stageSnapshotSchema = z
  .object({
    id: recordingIdSchema,
    frame: z.number().int().nonnegative().max(PCM_MAX_FRAME),
    members: z.array(z.object({ participantId: z.string().max(40), name: z.string().max(120), role: z.string().max(20) }).strict()).max(200),
  })
  .strict();
export const recordingRefSchema = z.object({ id: recordingIdSchema }).strict();
