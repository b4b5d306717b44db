// The SFUs that every suite which hears audio runs against, parametrised rather than copied: LiveKit (the
// livekit-server built from Go, shared by the suite's studios) and mediasoup (run by each studio's own space server;
// nothing to start beforehand but the worker binary, found or refused with a clear message).
import path from 'node:path';
import { startLivekit } from '../../scripts/livekit';
import type { LivekitServer } from '../../server/livekit/runtime';
import { requireMediasoupWorker } from './mediasoup';

export const SFU_KINDS = ['livekit', 'mediasoup'] as const;
export type SfuKind = (typeof SFU_KINDS)[number];

export interface TestSfu {
  kind: SfuKind;
  /** The suite's LiveKit; null on mediasoup. */
  livekit: LivekitServer | null;
  stop(): Promise<void>;
}

export async function startTestSfu(kind: SfuKind): Promise<TestSfu> {
  if (kind === 'mediasoup') {
    // Set in this process's environment, which the studio's services process inherits.
    requireMediasoupWorker();
    return { kind, livekit: null, stop: async () => {} };
  }
  const livekit = await startLivekit();
  return { kind, livekit, stop: () => livekit.stop() };
}

/** Where a suite's screenshot goes: LiveKit's keep the names they always had; the others say which SFU they show. */
export function sfuShot(dir: string, kind: SfuKind, name: string): string {
  return path.join(dir, kind === 'livekit' ? `${name}.png` : `${name}-${kind}.png`);
}
