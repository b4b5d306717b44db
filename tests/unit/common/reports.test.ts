// Reports' shared parts: the CSV export (quoting, and notes that a spreadsheet would run as formulas), the export's
// file names and JSON, and the schemas that refuse bad reports before the server looks at them.
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../common/protocol';
import { decisionsFor, reportKey, reportsToCsv, type ReportRecordOut } from '../../../common/reports';
import { exportContents, exportFileName } from '../../../renderer/studio/host/report-export';

const record = (patch: Partial<ReportRecordOut> = {}): ReportRecordOut => ({
  id: 7,
  spaceId: 'abcde12345',
  targetKey: 'person:p0123456789abcdef',
  targetName: 'Sam',
  targetRole: 'speaker',
  reporterName: 'Lia',
  reason: 'harassment',
  note: '',
  at: Date.UTC(2026, 11, 1, 12, 3, 0),
  decision: null,
  ...patch,
});

describe('the CSV export', () => {
  it('has a header, one CRLF row per report, and the decision when there is one', () => {
    const csv = reportsToCsv([record(), record({ id: 8, reporterName: 'Max', decision: { id: 1, action: 'remove', by: 'Cole', at: Date.UTC(2026, 11, 1, 12, 5), auditId: 42 } })]);
    expect(csv.split('\r\n')).toEqual([
      'report,reported at,about,name,role,reason,note,reporter,decision,decided by,decided at,audit entry',
      '7,2026-12-01T12:03:00.000Z,person:p0123456789abcdef,Sam,speaker,Harassment or hate,,Lia,open,,,',
      '8,2026-12-01T12:03:00.000Z,person:p0123456789abcdef,Sam,speaker,Harassment or hate,,Max,Remove,Cole,2026-12-01T12:05:00.000Z,42',
      '',
    ]);
  });

  it('quotes commas, quotes and line breaks, and never lets a note become a formula', () => {
    const csv = reportsToCsv([
      record({ note: 'He said "leave", then\nlaughed, twice' }),
      record({ note: '=HYPERLINK("http://evil","click")' }),
      record({ note: '+1 -1 @home', targetName: '-Sam' }),
      record({ note: 'a;=cmd|\' /C calc\'!A0' }),
    ]);
    const rows = csv.split('\r\n');
    expect(rows[1]).toContain('"He said ""leave"", then\nlaughed, twice"');
    expect(rows[2]).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(rows[3]).toContain(",'-Sam,");
    expect(rows[3]).toContain(",'+1 -1 @home,");
    // A semicolon splits cells in some locales' spreadsheets: quoted, the formula stays inside one text cell.
    expect(rows[4]).toContain(`,"a;=cmd|' /C calc'!A0",`);
  });
});

describe('export files', () => {
  const answer = { type: 'reportsExport' as const, space: { id: 'abcde12345', title: 'Town hall: Café night!' }, exportedAt: Date.UTC(2026, 11, 1, 23, 0), reports: [record()] };
  it('are named after the space and the day', () => {
    expect(exportFileName(answer, 'csv')).toBe('podium-reports-town-hall-cafe-night-2026-12-01.csv');
    expect(exportFileName({ ...answer, space: { id: 'abcde12345', title: '🎙️🎙️' } }, 'json')).toBe('podium-reports-abcde12345-2026-12-01.json');
  });
  it('JSON holds the space, the time and the reports as sent', () => {
    const { text, type } = exportContents(answer, 'json');
    expect(type).toBe('application/json');
    expect(JSON.parse(text)).toEqual({ space: answer.space, exportedAt: '2026-12-01T23:00:00.000Z', reports: [record()] });
  });
});

describe('report messages', () => {
  it('are refused before the server acts: unknown kinds and reasons, oversized notes, bad keys', () => {
    const ok = parseClientMessage(JSON.stringify({ type: 'report', target: { kind: 'person', id: 'p0123456789abcdef' }, reason: 'spam', note: '  spam link  ' }));
    expect(ok).toMatchObject({ ok: true, message: { note: 'spam link' } });
    for (const bad of [
      { type: 'report', target: { kind: 'space', id: 'x' }, reason: 'spam' },
      { type: 'report', target: { kind: 'person', id: 'p0123456789abcdef' }, reason: 'rude' },
      { type: 'report', target: { kind: 'person', id: 'p0123456789abcdef' }, reason: 'spam', note: '👍'.repeat(301) },
      { type: 'report', target: { kind: 'pin', id: '' }, reason: 'spam' },
      { type: 'reportDecide', key: 'person:nobody', action: 'dismiss' },
      { type: 'reportDecide', key: 'pin:x', action: 'ban' },
      { type: 'reportTake', key: 'pin:x' },
      { type: 'reportDecide', key: 'pin:../../../x', action: 'dismiss' },
      { type: 'report', target: { kind: 'pin', id: '../x' }, reason: 'spam' },
    ]) {
      expect(parseClientMessage(JSON.stringify(bad))).toMatchObject({ ok: false, code: 'bad_request' });
    }
    // 300 emoji are 300 characters, however many bytes.
    expect(parseClientMessage(JSON.stringify({ type: 'report', target: { kind: 'pin', id: 'ab12' }, reason: 'other', note: '👍'.repeat(300) })).ok).toBe(true);
  });
  it('keys and decisions per kind', () => {
    expect(reportKey({ kind: 'pin', id: 'abc' })).toBe('pin:abc');
    expect(decisionsFor('pin')).toEqual(['dismiss', 'unpin']);
    expect(decisionsFor('person')).toEqual(['dismiss', 'mute', 'demote', 'remove', 'block']);
  });
});

describe('how long ago, in the queue', () => {
  it('says just now, minutes, then hours and minutes', async () => {
    const { ago } = await import('../../../renderer/studio/host/ReportsSection');
    expect([0, 59_000, 60_000, 59 * 60_000, 65 * 60_000, -5].map(ago)).toEqual(['just now', 'just now', '1 min ago', '59 min ago', '1 h 5 min ago', 'just now']);
  });
});
