// Evidence clips on disk: <dataDir>/evidence/<spaceId>/<key>-<at>.wav, with a .json beside each (who is heard, how
// long, the waveform's bars). A clip comes from the studio in parts (common/evidence.ts) and is written only once
// all of them are in, to a temporary name first, so a half-written clip is never listed. Everything the studio sends
// is checked: the contract's schema, then sizes here; at most a few clips are assembled at once, and an unfinished
// one is dropped after a minute. Private like the rest of the data folder (0700 / 0600).
import fs from 'node:fs';
import path from 'node:path';
import { EVIDENCE_MAX_BYTES, EVIDENCE_RATE, encodeWav, waveformPeaks } from '../../common/evidence';
import type { EvidenceClip } from '../../common/ipc';
import { PodiumError } from '../../common/result';

const ASSEMBLING = 4;
const STALE_MS = 60_000;
/** Clips kept per space (about 1 MB each): enough for every report worth a clip, not a disk for a flood. */
export const MAX_CLIPS_PER_SPACE = 50;
const SAFE_NAME = /^(person|pin)_[A-Za-z0-9_-]{1,40}-\d{1,16}\.wav$/;

export interface EvidenceStore {
  save(req: { spaceId: string; key: string; at: number; name: string; part: number; parts: number; pcm: string }): { saved: boolean };
  list(spaceId: string): EvidenceClip[];
  /** The clip's file, for a playable URL; throws not_found for anything that is not a listed clip. */
  file(spaceId: string, file: string): string;
}

/** The clip's file name: the report key with _ for :, then the report's time. */
export function clipFileName(key: string, at: number): string {
  return `${key.replace(':', '_')}-${at}.wav`;
}

export function createEvidenceStore(dir: string, now: () => number = Date.now): EvidenceStore {
  const parts = new Map<string, { chunks: (Buffer | null)[]; bytes: number; startedAt: number; name: string }>();
  const folder = (spaceId: string) => path.join(dir, spaceId);
  return {
    save(req) {
      const id = `${req.spaceId}/${req.key}/${req.at}`;
      for (const [k, p] of parts) if (now() - p.startedAt > STALE_MS) parts.delete(k);
      let clip = parts.get(id);
      if (!clip) {
        if (parts.size >= ASSEMBLING) throw new PodiumError('rate_limited', 'several evidence clips are being saved already; try again in a moment');
        clip = { chunks: Array<Buffer | null>(req.parts).fill(null), bytes: 0, startedAt: now(), name: req.name };
        parts.set(id, clip);
      }
      if (clip.chunks.length !== req.parts) throw new PodiumError('bad_request', 'the parts of one clip must agree on how many there are');
      const bytes = Buffer.from(req.pcm, 'base64');
      if (bytes.length % 2 !== 0 && req.part < req.parts - 1) throw new PodiumError('bad_request', 'a clip part holds whole 16-bit samples');
      const previous = clip.chunks[req.part];
      clip.bytes += bytes.length - (previous?.length ?? 0);
      if (clip.bytes > EVIDENCE_MAX_BYTES) {
        parts.delete(id);
        throw new PodiumError('too_large', 'an evidence clip is at most 30 seconds');
      }
      clip.chunks[req.part] = bytes;
      if (clip.chunks.some((c) => c === null)) return { saved: false };
      parts.delete(id);
      const pcm = Buffer.concat(clip.chunks as Buffer[]);
      const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length - (pcm.length % 2)));
      const target = folder(req.spaceId);
      const name = clipFileName(req.key, req.at);
      // The contract's schemas already allow only such names; checked again where the file is made.
      if (!SAFE_NAME.test(name) || path.dirname(path.resolve(target, name)) !== path.resolve(target)) throw new PodiumError('bad_request', 'not a clip name');
      if (this.list(req.spaceId).length >= MAX_CLIPS_PER_SPACE) throw new PodiumError('invalid_state', `this space has ${MAX_CLIPS_PER_SPACE} evidence clips already; no more are kept`);
      fs.mkdirSync(target, { recursive: true, mode: 0o700 });
      const meta = { key: req.key, at: req.at, name: clip.name, durationMs: Math.round((samples.length / EVIDENCE_RATE) * 1000), peaks: waveformPeaks(samples) };
      const file = path.join(target, name);
      fs.writeFileSync(`${file}.partial`, encodeWav(samples), { mode: 0o600 });
      fs.writeFileSync(`${file}.json`, JSON.stringify(meta), { mode: 0o600 });
      fs.renameSync(`${file}.partial`, file);
      return { saved: true };
    },
    list(spaceId) {
      let names: string[];
      try {
        names = fs.readdirSync(folder(spaceId));
      } catch {
        return [];
      }
      const clips: EvidenceClip[] = [];
      for (const file of names.filter((n) => n.endsWith('.wav'))) {
        try {
          const meta = JSON.parse(fs.readFileSync(path.join(folder(spaceId), `${file}.json`), 'utf8')) as Omit<EvidenceClip, 'file'>;
          clips.push({ file, key: String(meta.key), at: Number(meta.at), name: String(meta.name), durationMs: Number(meta.durationMs), peaks: Array.isArray(meta.peaks) ? meta.peaks.map(Number) : [] });
        } catch {
          // A clip without its description (a crash between the two writes) is left out rather than guessed at.
        }
      }
      return clips.sort((a, b) => a.at - b.at);
    },
    file(spaceId, file) {
      if (!this.list(spaceId).some((c) => c.file === file)) throw new PodiumError('not_found', 'no such evidence clip');
      return path.join(folder(spaceId), file);
    },
  };
}
