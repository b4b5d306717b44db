// Measuring what a page really plays: the RMS envelope of one remote participant's audio, tapped with Web Audio.
import type { Page } from 'playwright-core';

export const ENVELOPE_BLOCK = 1024;

/**
 * Records the RMS envelope (blocks of ENVELOPE_BLOCK samples at 48 kHz) of the remote audio element of
 * `identity` — or of the first remote audio element when no identity is given — for `seconds`.
 * An element that disappears while recording (the track was unpublished) yields zeros from then on.
 */
export async function recordRemoteEnvelope(page: Page, seconds: number, identity?: string): Promise<number[]> {
  return page.evaluate(
    async ({ seconds, block, identity }) => {
      const selector = identity ? `audio[data-podium-remote-audio][data-identity="${identity}"]` : 'audio[data-podium-remote-audio]';
      const el = document.querySelector<HTMLAudioElement>(selector);
      if (!el || !(el.srcObject instanceof MediaStream)) throw new Error(`no remote audio element ${selector}`);
      const ctx = new AudioContext({ sampleRate: 48000 });
      await ctx.resume();
      const source = ctx.createMediaStreamSource(el.srcObject);
      const tap = ctx.createScriptProcessor(block, 1, 1);
      const env: number[] = [];
      tap.onaudioprocess = (e) => {
        const d = e.inputBuffer.getChannelData(0);
        let sum = 0;
        for (let i = 0; i < d.length; i++) sum += d[i]! * d[i]!;
        env.push(Math.sqrt(sum / d.length));
      };
      source.connect(tap);
      tap.connect(ctx.destination);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      tap.disconnect();
      source.disconnect();
      await ctx.close();
      return env;
    },
    { seconds, block: ENVELOPE_BLOCK, identity },
  );
}
