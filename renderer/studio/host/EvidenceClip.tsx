// An evidence clip under a report: its waveform (bars from the saved peaks) and a player, with when and how long.
import { useEffect, useState, type ReactNode } from 'react';
import type { EvidenceClip } from '../../../common/ipc';
import { clipUrl } from '../../reports/evidence';
import { podiumApi } from '../controller';
import { clockTime } from './hooks';

export function EvidenceClipView({ clip, spaceId }: { clip: EvidenceClip; spaceId: string }): ReactNode {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    void clipUrl(podiumApi(), spaceId, clip.file).then((u) => {
      if (!live) return;
      if (u) setUrl(u);
      else setFailed(true);
    });
    return () => {
      live = false;
    };
  }, [spaceId, clip.file]);
  const seconds = Math.round(clip.durationMs / 1000);
  const bars = clip.peaks.length;
  return (
    <figure className="evidence" data-testid="evidence-clip" data-file={clip.file}>
      <figcaption className="faint">
        {clip.name}, the {seconds} s before the report at {clockTime(clip.at)}, as heard in this studio
      </figcaption>
      <svg className="evidence-wave" viewBox={`0 0 ${bars * 3} 40`} preserveAspectRatio="none" role="img" aria-label={`Waveform of ${seconds} seconds of ${clip.name}`}>
        {clip.peaks.map((p, i) => {
          const h = Math.max(1, p * 38);
          return <rect key={i} x={i * 3} y={20 - h / 2} width={2} height={h} rx={1} />;
        })}
      </svg>
      {url ? (
        <audio controls preload="metadata" src={url} data-testid="evidence-audio" />
      ) : failed ? (
        <div className="field-error">This clip can't be played: its file is missing.</div>
      ) : null}
    </figure>
  );
}
