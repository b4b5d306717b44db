// The recordings library's state: the list main keeps of this computer's recordings, whether the library is open
// (and which entry to point at), and the calls it makes. Components read `library` and call these functions.
import type { RecordingEntry } from '../../../common/recording';
import type { Result } from '../../../common/result';
import { createStore } from '../../state/store';
import { podiumApi } from '../controller';

export interface LibraryState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  entries: RecordingEntry[];
  error: string | null;
  open: boolean;
  /** The entry "Show in library" pointed at, scrolled to and outlined. */
  highlight: string | null;
}

export const library = createStore<LibraryState>({ status: 'idle', entries: [], error: null, open: false, highlight: null });

/** Newest first: the one just made is the one people look for. */
function sorted(entries: RecordingEntry[]): RecordingEntry[] {
  return [...entries].sort((a, b) => b.startedAt - a.startedAt);
}

let loading: Promise<void> | null = null;

export function loadRecordings(): Promise<void> {
  // One request at a time: the card, the library and a finished recording may all ask at once.
  loading ??= (async () => {
    library.set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading', error: null }));
    const result = await podiumApi()['recordings:list']();
    if (result.ok) library.set({ status: 'ready', entries: sorted(result.value), error: null });
    else library.set({ status: 'error', error: result.error.message });
  })().finally(() => {
    loading = null;
  });
  return loading;
}

export function openLibrary(highlight: string | null = null): void {
  library.set({ open: true, highlight });
  void loadRecordings();
}

export function closeLibrary(): void {
  library.set({ open: false, highlight: null });
}

function replace(entry: RecordingEntry): void {
  library.set((s) => ({ entries: s.entries.map((e) => (e.id === entry.id ? entry : e)) }));
}

/** An answer or the reason it failed, in words: each caller shows it next to the recording it is about. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

function outcome<T>(result: Result<T>): Outcome<T> {
  return result.ok ? { ok: true, value: result.value } : { ok: false, message: result.error.message };
}

export async function deleteRecording(id: string): Promise<Outcome<true>> {
  const result = await podiumApi()['recordings:delete']({ id });
  if (result.ok) library.set((s) => ({ entries: s.entries.filter((e) => e.id !== id) }));
  return result.ok ? { ok: true, value: true } : { ok: false, message: result.error.message };
}

export async function revealRecording(id: string): Promise<Outcome<{ path: string; opened: boolean }>> {
  return outcome(await podiumApi()['recordings:reveal']({ id }));
}

export async function mediaUrl(id: string, file: 'mix' | 'normalized'): Promise<Outcome<string>> {
  const result = await podiumApi()['recordings:mediaUrl']({ id, file });
  return result.ok ? { ok: true, value: result.value.url } : { ok: false, message: result.error.message };
}

export interface NormalizeResult {
  measured: RecordingEntry['loudness'];
  gainDb: number;
  limited: boolean;
}

export async function normalizeRecording(id: string): Promise<Outcome<NormalizeResult>> {
  const result = await podiumApi()['recordings:normalize']({ id });
  if (!result.ok) return { ok: false, message: result.error.message };
  replace(result.value.entry);
  const { measured, gainDb, limited } = result.value;
  return { ok: true, value: { measured, gainDb, limited } };
}
