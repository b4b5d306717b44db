// The bad-network rig's pure parts: the relay's per-packet decision, the SDP edit that turns Opus FEC off for the
// bench, and the speech-quality judgement on envelopes whose answer is known.
import { describe, expect, it } from 'vitest';
import { withOpusFec } from '../../support/network-pages/sdp';
import { prng } from '../../support/prng';
import { speechQuality } from '../../support/speech-quality';
import { impairPacket } from '../../support/udp-impairment';

describe('impairPacket', () => {
  it('drops about the share asked for, and keeps delays within delay ± jitter (uniform)', () => {
    const random = prng(42);
    const delays: number[] = [];
    let dropped = 0;
    for (let i = 0; i < 20_000; i++) {
      const d = impairPacket(random, { lossPct: 5, delayMs: 40, jitterMs: 20 });
      if (d === null) dropped++;
      else delays.push(d);
    }
    expect(dropped / 20_000).toBeGreaterThan(0.045);
    expect(dropped / 20_000).toBeLessThan(0.055);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...delays)).toBeLessThanOrEqual(60);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(39);
    expect(mean).toBeLessThan(41);
  });

  it('a clean link passes everything at once; 100 % loss passes nothing; delays are never negative', () => {
    const random = prng(7);
    for (let i = 0; i < 1000; i++) {
      expect(impairPacket(random, { lossPct: 0, delayMs: 0, jitterMs: 0 })).toBe(0);
      expect(impairPacket(random, { lossPct: 100, delayMs: 40, jitterMs: 20 })).toBeNull();
      expect(impairPacket(random, { lossPct: 0, delayMs: 5, jitterMs: 50, distribution: 'normal' })).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('withOpusFec', () => {
  const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 63 111', 'a=rtpmap:63 red/48000/2', 'a=fmtp:63 111/111', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', ''].join('\r\n');

  it('turns FEC off on Opus only, keeping line endings, and back on', () => {
    const off = withOpusFec(sdp, false);
    expect(off).toContain('a=fmtp:111 minptime=10;useinbandfec=0\r\n');
    expect(off).toContain('a=fmtp:63 111/111\r\n');
    expect(withOpusFec(off, true)).toBe(sdp);
  });

  it('adds the parameter where the Opus fmtp has none', () => {
    expect(withOpusFec('a=rtpmap:109 opus/48000/2\na=fmtp:109 minptime=10\n', false)).toBe('a=rtpmap:109 opus/48000/2\na=fmtp:109 minptime=10;useinbandfec=0\n');
  });
});

describe('speechQuality', () => {
  // A source of 1 s "words" and 0.5 s pauses, 20 ms blocks; speech at about -20 dBFS.
  const random = prng(3);
  const source = Array.from({ length: 600 }, (_, i) => (i % 75 < 50 ? 0.1 * (0.5 + random()) : 0.0005));

  it('a faithful copy, delayed and looped, correlates and has no dead air', () => {
    const received = Array.from({ length: 1000 }, (_, i) => source[(i + 123) % source.length]! * 0.8);
    const q = speechQuality(received, source);
    expect(q.r).toBeGreaterThan(0.99);
    expect(q.silentShare).toBe(0);
    expect(q.speechBlocks).toBeGreaterThan(600);
    expect(q.control).toBeLessThan(q.r - 0.2);
  });

  it('counts speech blocks received silent: a copy with every fifth 100 ms gone', () => {
    const received = Array.from({ length: 1000 }, (_, i) => (Math.floor(i / 5) % 5 === 0 ? 0 : source[(i + 40) % source.length]!));
    const q = speechQuality(received, source);
    expect(q.silentShare).toBeGreaterThan(0.15);
    expect(q.silentShare).toBeLessThan(0.25);
  });

  it('silence heard while speech was sent is all dead air, and correlates with nothing', () => {
    const q = speechQuality(new Array<number>(500).fill(0), source);
    expect(q.silentShare).toBe(1);
    expect(q.r).toBeLessThan(0.1);
  });
});
