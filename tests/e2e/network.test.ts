// Bad networks still sound good (issue 12): a speaker publishes speech through the studio's own LiveKit adapter with
// the studio's chosen protection (renderer/sfu/audio-protection.ts); a listener Chromium in a network namespace of its
// own hears it through a relay that drops 5 % of its packets and delays them 40 ± 20 ms, both ways. What the listener
// plays is measured against the source. The same link without any protection is measured too, and must be worse; a
// link that drops everything must be measured as dead air, so the measure is known to see an impairment at all.
// Thresholds come from `npm run bench:network` (figures in renderer/sfu/audio-protection.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIO_PROTECTION } from '../../renderer/sfu/audio-protection';
import { makeSpeechWav } from '../support/fixtures';
import { canMakeNamespaces } from '../support/netem';
import { measureTogether, openSession, startRig, type Measured, type Rig, type Session } from '../support/network-page';
import { CLEAN, type Impairment } from '../support/udp-impairment';

const LOSSY_JITTERY: Impairment = { lossPct: 5, delayMs: 40, jitterMs: 20 };
const SECONDS = 15;
// From the bench (renderer/sfu/audio-protection.ts has the table): at this condition RED+FEC measured r 0.905–0.98 and
// 0.4–3.9 % silent blocks in 4 cells at load average 20–30 (unprotected: r 0.56–0.96, concealment 2.4–5 %); the
// thresholds leave room for a slower run. One run at load average ~29 did fail them (r 0.67, 12 % silent).
const R_MIN = 0.8;
const SILENT_MAX = 0.06;

/** Share of what the listener played that its jitter buffer had to invent (packets that never arrived in time). */
const concealed = (m: Measured): number => m.stats.concealedSamples / Math.max(1, m.stats.totalSamplesReceived);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const describeLine = (label: string, m: Measured): string =>
  `${label}: r ${m.r.toFixed(3)} (reversed control ${m.control.toFixed(3)}), silent ${(m.silentShare * 100).toFixed(1)} % of ${m.speechBlocks} speech blocks, ` +
  `relay dropped ${m.droppedDown}/${m.droppedDown + m.forwardedDown} packets to the listener; receiver: ${m.stats.codec}, lost ${m.stats.packetsLost}, ` +
  `nack ${m.stats.nackCount}, fec ${m.stats.fecPacketsReceived}, concealed ${(concealed(m) * 100).toFixed(1)} %`;

const unavailable = canMakeNamespaces();
if (unavailable) console.warn(`skipping the bad-network test: ${unavailable}`);

describe.skipIf(unavailable !== null)('speech over a lossy, jittery link', () => {
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig(makeSpeechWav());
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('with the chosen protection a listener on 5 % loss and 40±20 ms jitter hears the speech; unprotected is worse; a dead link is heard as dead air', async () => {
    rig.impair(CLEAN);
    // Both at once, on the same link: a loaded machine then weighs on both the same way.
    const opened = await Promise.allSettled([openSession(rig, 'chosen'), openSession(rig, { red: false, fec: false, dtx: false })]);
    const sessions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) {
      await Promise.all(sessions.map((x) => x.close()));
      throw failed.reason;
    }
    const [chosen, bare] = sessions as [Session, Session];
    try {
      expect(chosen.sent.protection).toEqual(AUDIO_PROTECTION);
      // Opus FEC stays negotiated (the SFU's answer says useinbandfec=1) unless the choice says otherwise.
      expect(chosen.sent.codec).toContain(`useinbandfec=${AUDIO_PROTECTION.fec ? 1 : 0}`);
      expect(bare.sent.codec).toContain('useinbandfec=0');

      rig.impair(LOSSY_JITTERY);
      await settle(3000);
      const [good, worse] = (await measureTogether(rig, [chosen, bare], SECONDS)) as [Measured, Measured];
      console.log(describeLine(`chosen ${JSON.stringify(AUDIO_PROTECTION)}`, good));
      console.log(describeLine('unprotected', worse));
      // The link really was impaired as asked (both listeners' packets together).
      const dropShare = good.droppedDown / (good.droppedDown + good.forwardedDown);
      expect(dropShare).toBeGreaterThan(0.02);
      expect(dropShare).toBeLessThan(0.1);
      // The chosen protection keeps the speech intelligible: its shape survives, and there is no dead air to speak of.
      expect(good.r).toBeGreaterThan(R_MIN);
      expect(good.r - good.control).toBeGreaterThan(0.2);
      expect(good.silentShare).toBeLessThan(SILENT_MAX);
      // Without protection every lost packet is played as invented audio (the bench: about as much as the loss, 4–5 %);
      // with RED the next packet repairs it (the bench: 1 % or less). Clearly worse: 1.5 times as much and 1.5 points
      // more, over ~750 packets each, so chance alone does not bridge the gap.
      expect(concealed(worse)).toBeGreaterThan(1.5 * concealed(good));
      expect(concealed(worse) - concealed(good)).toBeGreaterThan(0.015);

      // Nothing gets through: the measure must call that dead air.
      rig.impair({ lossPct: 100, delayMs: 0, jitterMs: 0 });
      await settle(1500);
      const [dead] = (await measureTogether(rig, [chosen], 4)) as [Measured];
      console.log(describeLine('dead link', dead));
      expect(dead.silentShare).toBeGreaterThan(0.9);
    } finally {
      rig.impair(CLEAN);
      await Promise.all([chosen.close(), bare.close()]);
    }
  }, 180_000);
});
