import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { AvailabilityFields, type AvailabilityValue } from '../src/package-org/components/availability-fields';
import type { TeamMemberRow } from '@minhu/contracts';
import { typeInto } from './dom';

const member = (id: string, name: string, overrides: Partial<TeamMemberRow> = {}): TeamMemberRow => ({
  id,
  name,
  phone: null,
  role: 'member',
  dutyRoles: [],
  active: true,
  availability: 'on_duty',
  backupMemberId: null,
  availabilityNote: null,
  ...overrides,
});
const team = [
  member('u-1', '陈晓燕'),
  member('u-2', '赵文博'),
  member('u-3', '宋晓东', { availability: 'unavailable' }),
  member('u-4', '已离队的人', { active: false }),
];

/** The fields as a page uses them: the value lives in the parent's state. */
function Fields({ onValue }: { onValue: (value: AvailabilityValue) => void }) {
  const [value, setValue] = useState<AvailabilityValue>({ availability: 'on_duty', backupMemberId: null, availabilityNote: '' });
  return (
    <AvailabilityFields
      value={value}
      onChange={(next) => {
        setValue(next);
        onValue(next);
      }}
      team={team}
      self='u-1'
    />
  );
}

const backups = () => Array.from(document.querySelectorAll('[data-backup]')).map((el) => el.textContent);

describe('AvailabilityFields', () => {
  it('when on duty, then no backup is asked for', () => {
    render(<Fields onValue={vi.fn()} />);
    expect(screen.getByText('正常接收派给您的求助')).toBeTruthy();
    expect(backups()).toEqual([]);
  });

  it('when set to 暂不可用, then teammates still on the team can be chosen as backup (not oneself), with their own state in words', () => {
    const onValue = vi.fn();
    render(<Fields onValue={onValue} />);
    fireEvent.click(screen.getByText('暂不可用'));
    expect(backups()).toEqual(['不指定（交给服务队）', '赵文博', '宋晓东（暂不可用）']);
    fireEvent.click(screen.getByText('赵文博'));
    expect(onValue).toHaveBeenLastCalledWith({ availability: 'unavailable', backupMemberId: 'u-2', availabilityNote: '' });
    expect(screen.getByText('✓ 赵文博')).toBeTruthy();
  });

  it('when a note is typed, then it goes with the value', async () => {
    const onValue = vi.fn();
    render(<Fields onValue={onValue} />);
    fireEvent.click(screen.getByText('休息'));
    await typeInto(screen.getByTestId('availability-note'), '今天值夜班');
    expect(onValue).toHaveBeenLastCalledWith({ availability: 'off_duty', backupMemberId: null, availabilityNote: '今天值夜班' });
  });
});
