// Ticket codes as the server makes them: 80 bits from the CSPRNG (measured, not assumed: every bit position is a
// fair coin over many codes, and no two of many codes share their random part), signed for one space, so a code of
// one space, a changed character or a made-up code fails the signature before the store is asked.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_CHARS } from '../../../common/tickets';
import { newTicketCode, ticketHash, ticketSigned } from '../../../server/tickets';

const secret = crypto.randomBytes(32).toString('hex');

/** The 120 bits of a code, from its base32. */
function bitsOf(code: string): number[] {
  return [...code].flatMap((c) => {
    const v = CODE_ALPHABET.indexOf(c);
    return [4, 3, 2, 1, 0].map((b) => (v >> b) & 1);
  });
}

describe('ticket codes', () => {
  it('are 24 characters of the code alphabet and verify for their space only', () => {
    const code = newTicketCode(secret, 'space00001');
    expect(code).toHaveLength(CODE_CHARS);
    expect([...code].every((c) => CODE_ALPHABET.includes(c))).toBe(true);
    expect(ticketSigned(secret, 'space00001', code)).toBe(true);
    expect(ticketSigned(secret, 'space00002', code)).toBe(false);
    expect(ticketSigned(crypto.randomBytes(32).toString('hex'), 'space00001', code)).toBe(false);
  });

  it('refuse any single changed character (the signature covers the random part)', () => {
    const code = newTicketCode(secret, 'space00001');
    let accepted = 0;
    for (let i = 0; i < code.length; i++) {
      for (const c of CODE_ALPHABET) {
        if (c === code[i]) continue;
        if (ticketSigned(secret, 'space00001', code.slice(0, i) + c + code.slice(i + 1))) accepted++;
      }
    }
    expect(accepted).toBe(0);
  });

  it('refuse made-up codes: none of 20,000 random strings of the right shape verifies', () => {
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const guess = Array.from(crypto.randomBytes(CODE_CHARS), (b) => CODE_ALPHABET[b & 31]).join('');
      if (ticketSigned(secret, 'space00001', guess)) accepted++;
    }
    expect(accepted).toBe(0);
  });

  it('carry at least 64 random bits: the first 80 bits are each a fair coin, and the random parts never repeat', () => {
    const n = 4000;
    const ones = new Array<number>(120).fill(0);
    const randomParts = new Set<string>();
    for (let i = 0; i < n; i++) {
      const code = newTicketCode(secret, 'space00001');
      randomParts.add(code.slice(0, 16)); // 16 characters = the 80 random bits
      bitsOf(code).forEach((b, j) => (ones[j]! += b));
    }
    expect(randomParts.size).toBe(n);
    // Each of the 80 random bits: within 5 standard deviations of n/2 (sd = sqrt(n)/2 ≈ 31.6).
    const sd = Math.sqrt(n) / 2;
    const worst = Math.max(...ones.slice(0, 80).map((k) => Math.abs(k - n / 2) / sd));
    expect(worst).toBeLessThan(5);
    // Shannon estimate over the random bits: 80 fair bits (each bit's entropy summed; ≥ 64 with room to spare).
    const entropy = ones.slice(0, 80).reduce((sum, k) => {
      const p = k / n;
      return sum - (p > 0 ? p * Math.log2(p) : 0) - (p < 1 ? (1 - p) * Math.log2(1 - p) : 0);
    }, 0);
    expect(entropy).toBeGreaterThan(79);
  });

  it('are stored as a hash that depends on the space', () => {
    const code = newTicketCode(secret, 'space00001');
    expect(ticketHash('space00001', code)).toMatch(/^[a-f0-9]{64}$/);
    expect(ticketHash('space00001', code)).not.toContain(code);
    expect(ticketHash('space00002', code)).not.toBe(ticketHash('space00001', code));
  });
});
