// The recording controls' and library's words for numbers: durations, sizes, loudness, dates and the disk outlook.
import { describe, expect, it } from 'vitest';
import {
  count,
  diskOutlook,
  formatBytes,
  formatClock,
  formatDate,
  formatDisk,
  formatDropped,
  formatDuration,
  formatLevel,
  formatLoudness,
  signed,
} from '../../../renderer/studio/recording/format';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('count', () => {
  it('is singular for one and plural otherwise, zero included', () => {
    expect(count(1, 'track')).toBe('1 track');
    expect(count(3, 'track')).toBe('3 tracks');
    expect(count(0, 'marker')).toBe('0 markers');
    expect(count(2, 'person', 'people')).toBe('2 people');
  });
});

describe('formatDuration', () => {
  it('says seconds alone under a minute, zero included', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(4_999)).toBe('4 s');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('gives minutes and seconds, and drops zero seconds', () => {
    expect(formatDuration(12 * MIN + 4_000)).toBe('12 min 4 s');
    expect(formatDuration(1 * MIN)).toBe('1 min');
  });

  it('gives hours and two-digit minutes, without seconds', () => {
    expect(formatDuration(HOUR + 2 * MIN + 59_000)).toBe('1 h 02 min');
    expect(formatDuration(HOUR)).toBe('1 h 00 min');
    expect(formatDuration(26 * HOUR + 15 * MIN)).toBe('26 h 15 min');
  });
});

describe('formatClock', () => {
  it('always shows hours, minutes and seconds', () => {
    expect(formatClock(0)).toBe('00:00:00');
    expect(formatClock(12 * MIN + 4_900)).toBe('00:12:04');
    expect(formatClock(HOUR + 2 * MIN + 3_000)).toBe('01:02:03');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(812_000_000)).toBe('812 MB');
    expect(formatBytes(1_400_000_000)).toBe('1.4 GB');
    expect(formatBytes(41_234_000_000)).toBe('41 GB');
    expect(formatBytes(2_500)).toBe('2.5 KB');
  });

  it('moves up a unit rather than saying 1000', () => {
    expect(formatBytes(999_700_000)).toBe('1.0 GB');
  });
});

describe('signed and formatLevel', () => {
  it('writes a real minus sign, and no "−0.0"', () => {
    expect(signed(-19.24)).toBe('\u221219.2');
    expect(signed(-0.01)).toBe('0.0');
    expect(signed(0.4, 1, true)).toBe('+0.4');
    expect(signed(3.2)).toBe('3.2');
  });

  it('reads silence as minus infinity', () => {
    expect(formatLevel(-Infinity)).toBe('\u2212∞ dB');
    expect(formatLevel(-12.4)).toBe('\u221212 dB');
  });
});

describe('formatLoudness', () => {
  it('gives integrated loudness, range and true peak', () => {
    expect(formatLoudness({ integrated: -19.24, range: 6.3, truePeak: -1.31 })).toBe('\u221219.2 LUFS · LRA 6 LU · \u22121.3 dBTP');
  });

  it('says "—" before it is measured, and "Silent" below the gate', () => {
    expect(formatLoudness(null)).toBe('—');
    expect(formatLoudness({ integrated: null, range: null, truePeak: null })).toBe('Silent');
  });

  it('marks a true peak over full scale with a plus', () => {
    expect(formatLoudness({ integrated: -14, range: null, truePeak: 0.42 })).toBe('\u221214.0 LUFS · +0.4 dBTP');
  });
});

describe('formatDate', () => {
  it("uses the reader's locale", () => {
    const at = Date.UTC(2025, 2, 14, 16, 5);
    expect(formatDate(at, 'en-GB', 'UTC')).toBe('14 Mar 2025, 16:05');
    expect(formatDate(at, 'de-DE', 'UTC')).toBe('14.03.2025, 16:05');
  });
});

describe('diskOutlook', () => {
  // About 1 MB per second of audio: 60 s written in 60 MB.
  const rate = { bytes: 60_000_000, ms: 60_000 };

  it('is calm with plenty of space, and estimates the time left', () => {
    const o = diskOutlook(40_000_000_000, rate.bytes, rate.ms);
    expect(o.level).toBe('ok');
    expect(o.msLeft).toBeCloseTo(40_000_000, -3);
    expect(formatDisk(40_000_000_000, o)).toBe('40 GB free · about 11 h left');
    expect(formatDisk(5_000_000_000, diskOutlook(5_000_000_000, rate.bytes, rate.ms))).toBe('5.0 GB free · about 1 h 23 min left');
    expect(formatDisk(5e12, diskOutlook(5e12, rate.bytes, rate.ms))).toBe('5.0 TB free · more than 2 days left');
  });

  it('warns under 2 GB, or under half an hour at the current rate', () => {
    expect(diskOutlook(1_900_000_000, rate.bytes, rate.ms).level).toBe('low');
    // 2.5 GB at 50 MB/s lasts under a minute.
    const soon = diskOutlook(2_500_000_000, 3_000_000_000, 60_000);
    expect(soon.level).toBe('low');
    expect(formatDisk(2_500_000_000, soon)).toBe('2.5 GB free · less than a minute left');
    expect(formatDisk(1_300_000_000, diskOutlook(1_300_000_000, rate.bytes, rate.ms))).toBe('1.3 GB free · about 21 min left');
  });

  it('is critical under 500 MB', () => {
    expect(diskOutlook(400_000_000, rate.bytes, rate.ms).level).toBe('critical');
  });

  it('guesses no time left before five seconds of audio, and knows when the system cannot tell', () => {
    expect(diskOutlook(40_000_000_000, 1_000, 1_000).msLeft).toBeNull();
    expect(formatDisk(40_000_000_000, diskOutlook(40_000_000_000, 1_000, 1_000))).toBe('40 GB free');
    expect(diskOutlook(null, rate.bytes, rate.ms).level).toBe('unknown');
    expect(formatDisk(null, diskOutlook(null, 0, 0))).toBe('Free space unknown');
  });
});

describe('formatDropped', () => {
  it('gives tenths for short gaps and whole seconds for long ones', () => {
    expect(formatDropped(400)).toBe('0.4 s');
    expect(formatDropped(12_600)).toBe('13 s');
  });
});
