import { Input, View } from '@tarojs/components';
import { AVAILABILITIES, AVAILABILITY_LABELS, type Availability } from '@minhu/domain';
import type { TeamMemberRow } from '@minhu/contracts';
import { Tap } from '../../components/tap';

export interface AvailabilityValue {
  availability: Availability;
  backupMemberId: string | null;
  availabilityNote: string;
}

const HINTS: Record<Availability, string> = {
  on_duty: '正常接收派给您的求助',
  off_duty: '今天休息，求助先交给替班队员',
  unavailable: '隔离、生病、出差等，暂时不能服务',
};

/**
 * 在岗 / 休息 / 暂不可用, and when not on duty who covers (替班) and why. `self` is the member
 * being set, left out of the backup choices; only teammates still on the team can cover.
 */
export function AvailabilityFields({
  value,
  onChange,
  team,
  self,
}: {
  value: AvailabilityValue;
  onChange: (next: AvailabilityValue) => void;
  team: readonly TeamMemberRow[];
  self: string;
}) {
  const backups = team.filter((m) => m.id !== self && m.active);
  return (
    <View>
      <View className='field'>
        <View className='label'>在岗状态</View>
        <View className='choice-row'>
          {AVAILABILITIES.map((a) => (
            <Tap
              key={a}
              className={`choice ${value.availability === a ? 'on' : ''}`}
              onTap={() => onChange({ ...value, availability: a })}
              data-availability={a}
            >
              {value.availability === a ? '✓ ' : ''}
              {AVAILABILITY_LABELS[a]}
            </Tap>
          ))}
        </View>
        <View className='muted gap'>{HINTS[value.availability]}</View>
      </View>
      {value.availability !== 'on_duty' && (
        <View className='field'>
          <View className='label'>替班队员（您不在岗时，派给您的求助交给他/她）</View>
          <View className='choice-row'>
            <Tap className={`choice ${value.backupMemberId === null ? 'on' : ''}`} onTap={() => onChange({ ...value, backupMemberId: null })} data-backup=''>
              不指定（交给服务队）
            </Tap>
            {backups.map((m) => (
              <Tap
                key={m.id}
                className={`choice ${value.backupMemberId === m.id ? 'on' : ''}`}
                onTap={() => onChange({ ...value, backupMemberId: m.id })}
                data-backup={m.name}
              >
                {value.backupMemberId === m.id ? '✓ ' : ''}
                {m.name}
                {m.availability !== 'on_duty' ? `（${AVAILABILITY_LABELS[m.availability]}）` : ''}
              </Tap>
            ))}
          </View>
        </View>
      )}
      <View className='field'>
        <View className='label'>说明（选填）</View>
        <Input nativeProps={{ 'aria-label': '在岗状态说明（选填）' }}
          className='input'
          value={value.availabilityNote}
          maxlength={100}
          placeholder={value.availability === 'on_duty' ? '如：工作日晚上可服务' : '如：居家隔离至 12 月 3 日'}
          onInput={(e) => onChange({ ...value, availabilityNote: e.detail.value })}
          data-testid='availability-note'
        />
      </View>
    </View>
  );
}
