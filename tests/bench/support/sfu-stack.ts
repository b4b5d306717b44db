// One SFU's whole stack for tests/bench/sfu.ts: the web studio (its services process runs the space server) on
// LiveKit or on mediasoup, and the processes whose CPU and memory the bench samples — the SFU itself (livekit-server;
// mediasoup's worker processes, children of the services process) and the services process, whose Node event loop
// does mediasoup's signalling (with LiveKit, LiveKit's own signalling is inside livekit-server).
import fs from 'node:fs';
import type { WebStudio } from '../../../main/web/run';
import { startTestSfu, type SfuKind } from '../../support/sfus';
import { requireBuild, startTestStudio } from '../../support/studio';

export type { SfuKind } from '../../support/sfus';

export interface SfuStack {
  kind: SfuKind;
  studio: WebStudio;
  /** The SFU's media processes now (mediasoup may run several workers; they are summed). */
  sfuPids(): number[];
  /** The services process: the space server (and, with mediasoup, the SFU's signalling and control). */
  serverPid(): number;
  close(): Promise<void>;
}

/** Descendants of `pid` (children, their children…) whose command name starts with `prefix` (Linux /proc). */
export function descendantsNamed(pid: number, prefix: string): number[] {
  const procs: { pid: number; ppid: number; comm: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      procs.push({ pid: Number(entry), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm });
    } catch {
      // gone between the listing and the read
    }
  }
  const family = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (family.has(p.ppid) && !family.has(p.pid)) grew = family.add(p.pid) !== null;
  }
  return procs.filter((p) => p.pid !== pid && family.has(p.pid) && p.comm.startsWith(prefix)).map((p) => p.pid);
}

export async function startSfuStack(kind: SfuKind): Promise<SfuStack> {
  requireBuild();
  // LiveKit: a livekit-server of the bench's; mediasoup: the worker binary (found, never built) for the services
  // process's space server, which runs the SFU itself (tests/support/sfus.ts).
  const sfu = await startTestSfu(kind);
  let studio: WebStudio;
  try {
    studio = await startTestStudio(sfu);
  } catch (error) {
    await sfu.stop();
    throw error;
  }
  const livekit = sfu.livekit;
  return {
    kind,
    studio,
    sfuPids: () => (livekit ? [livekit.pid] : studio.services.pid ? descendantsNamed(studio.services.pid, 'mediasoup-work') : []),
    serverPid: () => studio.services.pid!,
    async close() {
      await studio.close();
      await sfu.stop();
    },
  };
}
