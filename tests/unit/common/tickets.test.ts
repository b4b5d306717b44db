// What the host hands out and the listener types: codes read back whatever way a person writes them, CSV a shop or a
// mailing tool reads exactly (fields with commas, quotes and line breaks quoted; no cell a spreadsheet would run), and
// links that keep the code in the #fragment.
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../common/csv';
import { formatTicketCode, normalizeTicketCode, ticketInFragment, ticketLink, ticketRefusalText, ticketsCsv } from '../../../common/tickets';
import { parseCsv } from '../../support/csv';

describe('ticket codes as people type them', () => {
  const code = '0123456789ABCDEFGHJKMNPQ';
  it('reads a code with dashes, spaces, lower case and the letters people mistake for digits', () => {
    expect(normalizeTicketCode(formatTicketCode(code))).toBe(code);
    expect(normalizeTicketCode(' 0123 4567-89ab cdef-ghjk-mnpq ')).toBe(code);
    expect(normalizeTicketCode('O123456789ABCDEFGHJKMNPQ')).toBe(code);
    expect(normalizeTicketCode('0I23456789ABCDEFGHJKMNPQ')?.[1]).toBe('1');
  });
  it('refuses anything that is not a code of the right length and alphabet', () => {
    expect(normalizeTicketCode(code.slice(1))).toBeNull();
    expect(normalizeTicketCode(`${code}0`)).toBeNull();
    expect(normalizeTicketCode('0123456789ABCDEFGHJKMNPU')).toBeNull();
    expect(normalizeTicketCode('')).toBeNull();
    expect(normalizeTicketCode("'; DROP TABLE tickets;--")).toBeNull();
  });
  it('links carry the code in the fragment, which the page reads back', () => {
    const link = ticketLink('https://podium.example/s/abcdefghij#old', code);
    expect(link).toBe('https://podium.example/s/abcdefghij#ticket=0123-4567-89AB-CDEF-GHJK-MNPQ');
    const url = new URL(link);
    expect(url.pathname + url.search).toBe('/s/abcdefghij');
    expect(normalizeTicketCode(ticketInFragment(url.hash)!)).toBe(code);
    expect(ticketInFragment('#cohost=abc')).toBeNull();
    expect(ticketInFragment('#ticket=<script>')).toBeNull();
  });
  it('says how long to wait, in whole seconds, when attempts are throttled', () => {
    expect(ticketRefusalText('throttled', 41_200)).toBe('Too many attempts — wait 42 s and try again.');
    expect(ticketRefusalText('used')).toBe('This ticket was already used on another device.');
  });
});

describe('the batch CSV', () => {
  it('quotes fields that hold commas, quotes or line breaks, so every row reads back as written', () => {
    const title = 'Jazz, "live" night\nat 9';
    const csv = ticketsCsv(title, [
      { id: 1, code: '0123456789ABCDEFGHJKMNPQ', url: 'https://p.example/s/abcdefghij#ticket=0123-4567-89AB-CDEF-GHJK-MNPQ', label: 'Shop, batch "A"' },
      { id: 2, code: 'QPNMKJHGFEDCBA9876543210', url: 'https://p.example/s/abcdefghij#ticket=QPNM-KJHG-FEDC-BA98-7654-3210', label: '' },
    ]);
    expect(parseCsv(csv)).toEqual([
      ['space', 'ticket', 'label', 'code', 'link'],
      [title, '1', 'Shop, batch "A"', '0123-4567-89AB-CDEF-GHJK-MNPQ', 'https://p.example/s/abcdefghij#ticket=0123-4567-89AB-CDEF-GHJK-MNPQ'],
      [title, '2', '', 'QPNM-KJHG-FEDC-BA98-7654-3210', 'https://p.example/s/abcdefghij#ticket=QPNM-KJHG-FEDC-BA98-7654-3210'],
    ]);
  });
  it('never writes a cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@me')).toBe("'@me");
    expect(csvCell('plain')).toBe('plain');
  });
});
