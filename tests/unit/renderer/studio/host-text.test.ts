// The host panel's text: activity lines with the name inside the phrase, the pin form's preview and caption limit,
// and the recording markers keyed by the audit phrases the server writes.
import { describe, expect, it } from 'vitest';
import { MOD_ACTIONS, PIN_CAPTION_MAX } from '../../../../common/moderation';
import { AUTO_MARKERS } from '../../../../renderer/recording/controller';
import { auditLine, describeDetail } from '../../../../renderer/studio/host/audit-line';
import { captionInput, pinPreview } from '../../../../renderer/studio/host/pin-form';

const said = (l: ReturnType<typeof auditLine>) => `${l.actor} ${l.before}${l.target ?? ''}${l.after}`;

describe('activity lines', () => {
  it('puts the name where the phrase says: "Host moved Lena to the listeners"', () => {
    const line = auditLine({ actor: 'Host', action: MOD_ACTIONS.demote.done, target: 'Lena' });
    expect(line).toEqual({ actor: 'Host', before: 'moved ', target: 'Lena', after: ' to the listeners' });
    expect(said(line)).toBe('Host moved Lena to the listeners');
    expect(said(auditLine({ actor: 'Cole', action: MOD_ACTIONS.approve.done, target: 'Lena' }))).toBe('Cole let Lena speak');
    expect(said(auditLine({ actor: 'Ann', action: MOD_ACTIONS.cohost.done, target: 'Max 🚀' }))).toBe('Ann asked Max 🚀 to co-host');
  });

  it('reads entries from before names went inside the phrase, and lines about no one', () => {
    expect(said(auditLine({ actor: 'Ann', action: 'muted', target: 'Lena' }))).toBe('Ann muted Lena');
    expect(said(auditLine({ actor: 'Ann', action: 'moved to listeners', target: 'Lena' }))).toBe('Ann moved to listeners Lena');
    const noOne = auditLine({ actor: 'Ann', action: 'muted all speakers', target: null });
    expect(noOne.target).toBeNull();
    expect(said(noOne)).toBe('Ann muted all speakers');
  });

  it('spells out changed settings', () => {
    const entry = { id: 1, at: 0, actor: 'Ann', action: 'changed settings', target: null, detail: JSON.stringify({ requestPolicy: 'invited', speakerLimit: 4 }) };
    expect(describeDetail(entry)).toBe('requests: people invited, speaker seats: 4');
    expect(describeDetail({ ...entry, detail: 'not json' })).toBe('not json');
    expect(describeDetail({ ...entry, action: 'pinned', detail: 'https://x.com/a/status/1' })).toBe('https://x.com/a/status/1');
  });
});

describe('the pin form', () => {
  it('shows the link a scheme-less paste will pin', () => {
    expect(pinPreview('x.com/podiumapp/status/123')).toBe('Pins @podiumapp’s post on X: https://x.com/podiumapp/status/123');
    expect(pinPreview('example.org/agenda')).toBe('Pins a link to example.org: https://example.org/agenda');
    expect(pinPreview('')).toBeNull();
    expect(pinPreview('not a link')).toBeNull();
    expect(pinPreview('http://example.org')).toBeNull();
  });

  it('cuts a caption at the limit as a reader counts, never through an emoji', () => {
    expect(captionInput('Read this first')).toEqual({ text: 'Read this first', length: 15, cut: false });
    const rockets = '🚀'.repeat(PIN_CAPTION_MAX + 5);
    const cut = captionInput(rockets);
    expect(cut.cut).toBe(true);
    expect(cut.length).toBe(PIN_CAPTION_MAX);
    expect(cut.text).toBe('🚀'.repeat(PIN_CAPTION_MAX));
    // Exactly at the limit is kept whole (in code units it is twice as long).
    expect(captionInput('👩‍👩‍👧'.repeat(PIN_CAPTION_MAX))).toMatchObject({ length: PIN_CAPTION_MAX, cut: false });
  });
});

describe('recording markers', () => {
  it('come from the phrases the server writes now, and from the old ones', () => {
    expect(AUTO_MARKERS[MOD_ACTIONS.approve.done]).toBe('approved');
    expect(AUTO_MARKERS[MOD_ACTIONS.mute.done]).toBe('muted');
    expect(AUTO_MARKERS[MOD_ACTIONS.demote.done]).toBe('demoted');
    expect(AUTO_MARKERS[MOD_ACTIONS.remove.done]).toBe('removed');
    expect(AUTO_MARKERS[MOD_ACTIONS.block.done]).toBe('blocked');
    expect(AUTO_MARKERS['let {target} speak']).toBe('approved');
    expect(AUTO_MARKERS['moved {target} to the listeners']).toBe('demoted');
    for (const [old, kind] of [['approved', 'approved'], ['muted', 'muted'], ['moved to listeners', 'demoted'], ['removed', 'removed'], ['blocked', 'blocked'], ['muted all speakers', 'muted'], ['pinned', 'pin']] as const) {
      expect(AUTO_MARKERS[old]).toBe(kind);
    }
    // Offers, denials and invitations are not events worth a marker.
    expect(AUTO_MARKERS['decided the report about {target}: remove']).toBe('report');
    expect(AUTO_MARKERS['dismissed the report about {target}']).toBe('report');
    expect(AUTO_MARKERS[MOD_ACTIONS.cohost.done]).toBeUndefined();
    expect(AUTO_MARKERS[MOD_ACTIONS.deny.done]).toBeUndefined();
  });
});
