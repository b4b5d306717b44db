// One recording in the library: when, how long, how many tracks, how big and how loud, what went wrong if anything,
// and what to do with it — play the mix, show its folder, export a −16 LUFS version for podcasts, delete it.
import { useState, type ReactNode } from 'react';
import type { RecordingEntry } from '../../../common/recording';
import { useTransientFlag } from '../../ui/components';
import { count, formatBytes, formatDate, formatDuration, formatLoudness, signed } from './format';
import { mediaUrl, normalizeRecording, revealRecording, type NormalizeResult } from './library';

export type MediaFile = 'mix' | 'normalized';

export interface Playing {
  id: string;
  file: MediaFile;
  url: string;
}

type Step<T> = { state: 'idle' } | { state: 'working' } | { state: 'done'; value: T } | { state: 'error'; message: string };

function StatusBadge({ entry }: { entry: RecordingEntry }): ReactNode {
  switch (entry.status) {
    case 'recording':
      return <span className="badge badge-rec">Recording now</span>;
    case 'recovered':
      return <span className="badge badge-hand">Recovered after a crash</span>;
    case 'failed':
      return <span className="badge badge-muted">Failed</span>;
    default:
      return null;
  }
}

function CopyPath({ path }: { path: string }): ReactNode {
  const [copied, setCopied] = useTransientFlag();
  return (
    <div className="row-tight lib-path">
      <input className="input mono" aria-label="Folder path" readOnly value={path} onFocus={(e) => e.target.select()} />
      <button className="btn btn-sm" onClick={() => void navigator.clipboard.writeText(path).then(() => setCopied(true), () => setCopied(false))}>
        {copied ? '✓ Copied' : 'Copy'}
      </button>
    </div>
  );
}

function NormalizeDone({ result }: { result: NormalizeResult }): ReactNode {
  return (
    <div className="lib-note lib-note-ok" role="status">
      Podcast version saved at −16 LUFS, peaks at or below −1 dBTP ({signed(result.gainDb, 1, true)} dB
      {result.limited ? ', loudest peaks limited' : ''}). The mix measured {formatLoudness(result.measured)}.
    </div>
  );
}

export function LibraryEntry(props: {
  entry: RecordingEntry;
  highlighted: boolean;
  playing: Playing | null;
  onPlay: (playing: Playing | null) => void;
  onDelete: (entry: RecordingEntry) => void;
}): ReactNode {
  const { entry, playing } = props;
  const [reveal, setReveal] = useState<Step<{ path: string; opened: boolean }>>({ state: 'idle' });
  const [normalize, setNormalize] = useState<Step<NormalizeResult>>({ state: 'idle' });
  const [playError, setPlayError] = useState<string | null>(null);
  const busy = entry.status === 'recording';
  const mine = playing?.id === entry.id ? playing : null;

  const play = async (file: MediaFile) => {
    if (mine?.file === file) return props.onPlay(null);
    setPlayError(null);
    const url = await mediaUrl(entry.id, file);
    if (url.ok) props.onPlay({ id: entry.id, file, url: url.value });
    else setPlayError(url.message);
  };
  const show = async () => {
    setReveal({ state: 'working' });
    const result = await revealRecording(entry.id);
    setReveal(result.ok ? { state: 'done', value: result.value } : { state: 'error', message: result.message });
  };
  const exportForPodcast = async () => {
    setNormalize({ state: 'working' });
    const result = await normalizeRecording(entry.id);
    setNormalize(result.ok ? { state: 'done', value: result.value } : { state: 'error', message: result.message });
  };

  return (
    <li
      className={`lib-entry${props.highlighted ? ' lib-entry-highlight' : ''}`}
      data-testid="library-entry"
      data-id={entry.id}
      data-status={entry.status}
      aria-label={entry.title}
    >
      <div className="lib-title-row">
        <h3 className="lib-title">{entry.title}</h3>
        <StatusBadge entry={entry} />
      </div>
      <div className="lib-facts">
        <span>{formatDate(entry.startedAt)}</span>
        <span>{formatDuration(entry.durationMs)}</span>
        <span>{count(entry.tracks.length, 'track')}</span>
        <span>{formatBytes(entry.sizeBytes)}</span>
        {entry.markerCount > 0 && <span>{count(entry.markerCount, 'marker')}</span>}
      </div>
      <div className="lib-loudness" title="Loudness of the mix: integrated, range and true peak">
        <span className="lib-label">Mix loudness</span> <span className="rec-num">{formatLoudness(entry.loudness)}</span>
      </div>
      {entry.message && (
        <div className={`lib-note ${entry.status === 'failed' ? 'lib-note-error' : 'lib-note-warn'}`}>{entry.message}</div>
      )}

      <div className="lib-actions">
        <button className="btn btn-sm" data-testid="library-play" disabled={busy} aria-pressed={mine?.file === 'mix'} onClick={() => void play('mix')}>
          {mine?.file === 'mix' ? '■ Close player' : '▶ Play mix'}
        </button>
        <button className="btn btn-sm" data-testid="library-reveal" disabled={reveal.state === 'working'} onClick={() => void show()}>
          Show folder
        </button>
        <button
          className="btn btn-sm"
          data-testid="library-normalize"
          disabled={busy || normalize.state === 'working'}
          onClick={() => void exportForPodcast()}
          title="Writes mix-normalized.wav: −16 LUFS integrated, true peak at or below −1 dBTP"
        >
          {normalize.state === 'working' && <span className="spinner lib-spinner" aria-hidden />}
          {normalize.state === 'working' ? 'Exporting…' : entry.normalizedFile ? 'Export again (−16 LUFS)' : 'Export for podcast (−16 LUFS)'}
        </button>
        {entry.normalizedFile && (
          <button className="btn btn-sm" aria-pressed={mine?.file === 'normalized'} onClick={() => void play('normalized')}>
            {mine?.file === 'normalized' ? '■ Close player' : '▶ Play podcast version'}
          </button>
        )}
        <div className="spacer" />
        <button className="btn btn-sm btn-quiet lib-delete" data-testid="library-delete" disabled={busy} onClick={() => props.onDelete(entry)}>
          Delete
        </button>
      </div>

      {mine && (
        <audio className="lib-audio" controls autoPlay src={mine.url} aria-label={`${entry.title}, ${mine.file === 'mix' ? 'mix' : 'podcast version'}`} />
      )}
      {playError && <div className="lib-note lib-note-error" role="alert">Can't play it: {playError}</div>}
      {reveal.state === 'done' && (
        <div className="stack-tight">
          <div className="lib-note">{reveal.value.opened ? 'Opened in your file manager. The folder is:' : 'No file manager could be opened from here. The folder is:'}</div>
          <CopyPath path={reveal.value.path} />
        </div>
      )}
      {reveal.state === 'error' && <div className="lib-note lib-note-error" role="alert">Can't show the folder: {reveal.message}</div>}
      {normalize.state === 'done' && <NormalizeDone result={normalize.value} />}
      {normalize.state === 'error' && <div className="lib-note lib-note-error" role="alert">The export failed: {normalize.message}</div>}
    </li>
  );
}
