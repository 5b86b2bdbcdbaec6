// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { countdown, duration, fullTime, humanTime, promiseOf } from '../src/services/format';

// Local times, as the phone shows them; the ISO strings carry the offset, so any time zone works.
const local = (day: number, hour: number, minute: number, second = 0) => new Date(2026, 10, day, hour, minute, second);
const iso = (d: Date) => d.toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('humanTime', () => {
  const now = local(28, 14, 5);

  it('when something happened under a minute ago, then it says 刚刚', () => {
    expect(humanTime(iso(now), now)).toBe('刚刚');
    expect(humanTime(iso(local(28, 14, 4, 1)), now)).toBe('刚刚');
  });

  it('when it happened minutes ago, then it counts the whole minutes', () => {
    expect(humanTime(iso(local(28, 14, 4)), now)).toBe('1分钟前');
    expect(humanTime(iso(local(28, 13, 40)), now)).toBe('25分钟前');
    expect(humanTime(iso(local(28, 13, 5, 1)), now)).toBe('59分钟前');
  });

  it('when it happened an hour or more ago today, then it gives 今天 and the time', () => {
    expect(humanTime(iso(local(28, 13, 5)), now)).toBe('今天 13:05');
    expect(humanTime(iso(local(28, 8, 3)), now)).toBe('今天 08:03');
  });

  it('when it happened yesterday, then it gives 昨天 and the time', () => {
    expect(humanTime(iso(local(27, 9, 30)), now)).toBe('昨天 09:30');
    expect(humanTime(iso(local(27, 23, 59)), now)).toBe('昨天 23:59');
  });

  it('when it happened before yesterday, then it gives the date', () => {
    expect(humanTime(iso(local(26, 18, 0)), now)).toBe('11月26日 18:00');
    expect(humanTime(iso(new Date(2026, 0, 5, 7, 9)), now)).toBe('1月5日 07:09');
  });

  it('when it is just past midnight, then 30 minutes ago is in minutes and 22:00 is 昨天', () => {
    const earlyMorning = local(28, 0, 20);
    expect(humanTime(iso(local(27, 23, 50)), earlyMorning)).toBe('30分钟前');
    expect(humanTime(iso(local(27, 22, 0)), earlyMorning)).toBe('昨天 22:00');
  });
});

describe('duration', () => {
  it('when under an hour, then in minutes, never less than 1', () => {
    expect(duration(0)).toBe('1 分钟');
    expect(duration(20_000)).toBe('1 分钟');
    expect(duration(25 * MINUTE)).toBe('25 分钟');
  });

  it('when hours, then hours and the minutes left over', () => {
    expect(duration(HOUR)).toBe('1 小时');
    expect(duration(3 * HOUR + 10 * MINUTE)).toBe('3 小时 10 分钟');
    // 59.6 minutes round to a full hour, not to "60 分钟".
    expect(duration(59.6 * MINUTE)).toBe('1 小时');
  });

  it('when days, then days and the hours left over', () => {
    expect(duration(DAY)).toBe('1 天');
    expect(duration(2 * DAY + 4 * HOUR + 30 * MINUTE)).toBe('2 天 4 小时');
  });

  it('when negative, then the same words as positive', () => {
    expect(duration(-65 * MINUTE)).toBe('1 小时 5 分钟');
  });
});

describe('countdown', () => {
  const now = local(28, 14, 0);

  it('when there is no deadline, then there is no countdown', () => {
    expect(countdown(null, now)).toBeNull();
  });

  it('when the deadline is ahead, then it says how much time is left', () => {
    expect(countdown(iso(local(28, 14, 25)), now)).toEqual({ text: '剩余 25 分钟', overdue: false });
    expect(countdown(iso(local(29, 17, 0)), now)).toEqual({ text: '剩余 1 天 3 小时', overdue: false });
  });

  it('when the deadline has passed, then it says 已超时 and by how much', () => {
    expect(countdown(iso(local(28, 12, 55)), now)).toEqual({ text: '已超时 1 小时 5 分钟', overdue: true });
    expect(countdown(iso(local(28, 13, 59, 30)), now)).toEqual({ text: '已超时 1 分钟', overdue: true });
  });
});

describe('fullTime and promiseOf', () => {
  it('when showing a time in full, then it has the year and zero-padded time', () => {
    expect(fullTime(iso(new Date(2026, 10, 28, 9, 5)))).toBe('2026年11月28日 09:05');
  });

  it('when a ticket is filed, then the promise names the response time limit', () => {
    const created = local(28, 14, 0);
    expect(promiseOf(iso(new Date(created.getTime() + 30 * MINUTE)), iso(created))).toBe('社区服务队将在 30 分钟内联系您');
    expect(promiseOf(iso(new Date(created.getTime() + 2 * HOUR)), iso(created))).toBe('社区服务队将在 2 小时内联系您');
  });
});
