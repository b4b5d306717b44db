// An old studio tab given the new studio link: only the #k= fragment changes, which reloads nothing by itself.
import { describe, expect, it } from 'vitest';
import { hashAction, keyInHash } from '../../../../renderer/bridge/web-bridge';

describe('hashAction', () => {
  it('a new key restarts the studio with it', () => {
    expect(hashAction('oldKey_1', '#k=newKey-2')).toEqual({ type: 'rekey', key: 'newKey-2' });
    // A tab that never had a key (opened without the fragment) takes the first one it is given.
    expect(hashAction(null, '#k=abc')).toEqual({ type: 'rekey', key: 'abc' });
    expect(hashAction('old', '#x=1&k=fresh')).toEqual({ type: 'rekey', key: 'fresh' });
  });

  it('the same key again only tidies the address bar', () => {
    expect(hashAction('same', '#k=same')).toEqual({ type: 'same' });
  });

  it('a fragment without a key is left alone', () => {
    expect(hashAction('old', '')).toEqual({ type: 'ignore' });
    expect(hashAction('old', '#section')).toEqual({ type: 'ignore' });
    expect(hashAction('old', '#k=')).toEqual({ type: 'ignore' });
    expect(hashAction('old', '#k=<script>')).toEqual({ type: 'ignore' });
  });

  it('reads the key from the fragment', () => {
    expect(keyInHash('#k=AbC_-9')).toBe('AbC_-9');
    expect(keyInHash('#nope')).toBeNull();
  });
});
