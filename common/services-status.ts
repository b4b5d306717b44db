// The studio's services process (space server, embedded audio server, recorder) as the shell that runs it sees it:
// the shell restarts it when it stops unexpectedly, and the studio shows what is happening in words.
import { z } from 'zod';

export const servicesStatusSchema = z.object({
  /** running: serving. restarting: it stopped and the shell is starting it again. failed: the shell gave up. */
  state: z.enum(['running', 'restarting', 'failed']),
  /** Since when (ms, the shell's clock). */
  since: z.number().int(),
  /** How many times it was restarted since the studio started. */
  restarts: z.number().int().nonnegative(),
  /** For a person: why it failed and what to do (failed only). */
  detail: z.string().nullable(),
});
export type ServicesStatus = z.infer<typeof servicesStatusSchema>;

export const SERVICES_RUNNING: ServicesStatus = { state: 'running', since: 0, restarts: 0, detail: null };
