import { describe, expect, it } from 'vitest';
import { matchPerson, notifyByOf, pendingTagsFor } from '@minhu/domain';

describe('the people register (domain)', () => {
  it('when a resident declares tags, then what is not verified yet waits, and declaring what is verified leaves nothing pending', () => {
    expect(pendingTagsFor(['elderly', 'low_income'], [])).toEqual(['elderly', 'low_income']);
    expect(pendingTagsFor(['elderly'], ['elderly', 'living_alone'])).toEqual([]);
    expect(pendingTagsFor(['elderly', 'pregnant'], ['elderly'])).toEqual(['elderly', 'pregnant']);
    expect(pendingTagsFor([], ['elderly'])).toEqual([]);
  });

  it('when nobody chose how to tell a person, then the app if they use it, a call if they have a phone, else nobody', () => {
    expect(notifyByOf({ notifyBy: null, hasApp: true, phone: '13600000001' })).toBe('app');
    expect(notifyByOf({ notifyBy: null, hasApp: false, phone: '13600000001' })).toBe('call');
    expect(notifyByOf({ notifyBy: null, hasApp: false, phone: null })).toBe('none');
    expect(notifyByOf({ notifyBy: 'sms', hasApp: true, phone: '13600000001' })).toBe('sms');
  });

  type P = { id: string; name: string; phone: string | null };
  const guiying: P = { id: 'a', name: '孙桂英', phone: null };
  const other: P = { id: 'b', name: '孙大伟', phone: '13600000001' };
  it('when a beneficiary is typed, then a known phone wins, else an unambiguous name at home without another number', () => {
    expect(matchPerson({ name: '别人', phone: '13600000001' }, other, [guiying])).toBe(other);
    expect(matchPerson({ name: '孙 桂英' }, null, [guiying, other])).toBe(guiying);
    expect(matchPerson({ name: '孙桂英', phone: '13922220002' }, null, [guiying])).toBe(guiying);
    expect(matchPerson({ name: '孙大伟', phone: '13922220002' }, null, [other])).toBeNull();
    expect(matchPerson({ name: '孙桂英' }, null, [guiying, { ...guiying, id: 'c' }])).toBeNull();
    expect(matchPerson({ name: '李四' }, null, [guiying])).toBeNull();
  });
});
