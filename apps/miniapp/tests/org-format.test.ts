// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  availabilityLine,
  changeLine,
  controlLevelConsequence,
  describeAudit,
  idsToName,
  isContactPhone,
  isMobile,
  memberChanges,
  teamKind,
  type NameBook,
} from '../src/package-org/format';
import type { AuditEntry, TeamMemberRow } from '@minhu/contracts';
import { joinLink, normaliseInviteCode } from '../src/services/invite';

const TEAM = 't-1';
const names: NameBook = {
  team: (id) => ({ [TEAM]: '幸福里小区民呼我行党员服务队' })[id],
  area: (id) => ({ 'a-1': '幸福里小区', 'a-3': '3号楼' })[id],
  user: (id) => ({ 'u-1': '陈晓燕', 'u-2': '赵文博', 'p-1': '王秀兰' })[id],
};
const nobody: NameBook = { team: () => undefined, area: () => undefined, user: () => undefined };

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: '2026-11-28T06:05:00.000Z',
  actorId: 'u-9',
  actorName: '周建华',
  entity: 'area',
  entityId: 'a-1',
  action: 'update',
  before: null,
  after: null,
  ...overrides,
});

const member = (overrides: Partial<TeamMemberRow> = {}): TeamMemberRow => ({
  id: 'u-1',
  name: '陈晓燕',
  phone: '13900000011',
  role: 'member',
  dutyRoles: ['health'],
  active: true,
  availability: 'on_duty',
  backupMemberId: null,
  availabilityNote: null,
  ...overrides,
});

describe('describeAudit: the audit log in plain words', () => {
  it('when a secretary sets a control level, then it says who, what, where, and the levels in words', () => {
    const view = describeAudit(
      entry({ action: 'control_level', before: { controlLevel: 'none' }, after: { controlLevel: 'sealed' } }),
      names,
    );
    expect(view).toMatchObject({ actor: '周建华', action: '设置管控级别', target: '幸福里小区' });
    expect(view.changes.map(changeLine)).toEqual(['管控级别：常态 → 封控区']);
  });

  it('when a member sets herself unavailable with a backup, then the backup is named and unchanged fields are left out', () => {
    const view = describeAudit(
      entry({
        actorName: '陈晓燕',
        entity: 'member',
        entityId: `${TEAM}:u-1`,
        before: { availability: 'on_duty', backupMemberId: null, availabilityNote: null, role: 'member' },
        after: { availability: 'unavailable', backupMemberId: 'u-2', availabilityNote: '发烧在家', role: 'member' },
      }),
      names,
    );
    expect(view.action).toBe('修改队员');
    expect(view.target).toBe('陈晓燕（幸福里小区民呼我行党员服务队）');
    expect(view.changes.map(changeLine)).toEqual(['在岗状态：在岗 → 暂不可用', '替班队员：无 → 赵文博', '说明：无 → 发烧在家']);
  });

  it('when a responsibility is made, then the headline says who looks after what, and the list does not repeat it', () => {
    const view = describeAudit(
      entry({ entity: 'responsibility', entityId: 'r-1', action: 'create', after: { teamId: TEAM, memberId: 'u-1', areaId: 'a-3' } }),
      names,
    );
    expect(view).toMatchObject({ action: '安排包保', target: '陈晓燕 → 3号楼' });
    expect(view.changes.map(changeLine)).toEqual(['服务队：幸福里小区民呼我行党员服务队']);
  });

  it('when a responsibility is removed, then what it was is shown, without bookkeeping fields', () => {
    const view = describeAudit(
      entry({
        entity: 'responsibility',
        entityId: 'r-1',
        action: 'delete',
        before: { id: 'r-1', teamId: TEAM, memberId: 'u-2', areaId: null, personId: 'p-1', createdAt: '2026-11-01T00:00:00Z' },
        after: null,
      }),
      names,
    );
    expect(view).toMatchObject({ action: '取消包保', target: '赵文博 → 王秀兰' });
    expect(view.changes).toEqual([{ label: '服务队', before: '幸福里小区民呼我行党员服务队' }]);
    expect(view.changes.map(changeLine)).toEqual(['服务队：幸福里小区民呼我行党员服务队']);
  });

  it('when the ledger was imported from the command line, then the actor is the system and the counts are in words', () => {
    const view = describeAudit(
      entry({
        actorId: null,
        actorName: null,
        entity: 'import',
        entityId: null,
        action: 'import',
        after: { files: ['台账.xlsx'], counts: { areas: { created: 3, updated: 1, unchanged: 9 }, teams: { created: 0, updated: 0, unchanged: 2 } } },
      }),
      names,
    );
    expect(view).toMatchObject({ actor: '系统（命令行导入）', action: '导入组织台账', target: '台账.xlsx' });
    expect(view.changes.map(changeLine)).toEqual(['文件：台账.xlsx', '结果：区域 新建 3、更新 1']);
  });

  it('when an invite is made, then its code is called 邀请码 and the expiry is a date', () => {
    const view = describeAudit(
      entry({ entity: 'invite', entityId: 'i-1', action: 'create', after: { teamId: TEAM, code: 'ABCD2345', maxUses: 20, expiresAt: '2026-12-01T10:00:00.000Z' } }),
      names,
    );
    expect(view.target).toBe('幸福里小区民呼我行党员服务队');
    expect(view.changes.map((c) => c.label)).toEqual(['邀请码', '可用次数', '有效期至']);
    expect(changeLine(view.changes[2]!)).toMatch(/^有效期至：2026年12月1日 \d\d:00$/);
  });

  it('when a team is changed, then categories and its state are words, and an empty list means a general team', () => {
    const view = describeAudit(
      entry({ entity: 'team', entityId: TEAM, before: { categories: ['medical'], active: true }, after: { categories: [], active: false } }),
      names,
    );
    expect(view.changes.map(changeLine)).toEqual(['负责类别：就医 → 综合（不限类别）', '状态：启用 → 停用']);
  });

  it('when names cannot be found, then it says what kind of thing it was, never an id', () => {
    const view = describeAudit(
      entry({ entity: 'member', entityId: `${TEAM}:u-1`, before: { backupMemberId: null }, after: { backupMemberId: 'u-2' } }),
      nobody,
    );
    expect(view.target).toBe('一位队员');
    expect(view.changes.map(changeLine)).toEqual(['替班队员：无 → （一位队员）']);
    expect(JSON.stringify(view)).not.toContain('u-2');
  });
});

describe('idsToName', () => {
  it('collects the teams, the teams whose members to look up, and the areas an audit page mentions', () => {
    const wanted = idsToName([
      entry({ entity: 'area', entityId: 'a-1' }),
      entry({ entity: 'member', entityId: `${TEAM}:u-1` }),
      entry({ entity: 'responsibility', entityId: 'r-1', after: { teamId: 't-2', memberId: 'u-3', areaId: 'a-3' } }),
      entry({ entity: 'team', entityId: 't-3' }),
    ]);
    expect(wanted.teams.sort()).toEqual(['t-2', 't-3']);
    expect(wanted.memberTeams.sort()).toEqual([TEAM, 't-2']);
    expect(wanted.areas.sort()).toEqual(['a-1', 'a-3']);
  });
});

describe('memberChanges: only what was changed is sent', () => {
  const draft = (m: TeamMemberRow) => ({
    role: m.role,
    dutyRoles: m.dutyRoles,
    active: m.active,
    availability: m.availability,
    backupMemberId: m.backupMemberId,
    availabilityNote: m.availabilityNote ?? '',
  });

  it('when nothing changed (an empty note is no note, duties in another order), then nothing is sent', () => {
    const current = member({ dutyRoles: ['health', 'patrol'] });
    expect(memberChanges(current, { ...draft(current), dutyRoles: ['patrol', 'health'], availabilityNote: '  ' })).toEqual({});
  });

  it('when a member goes off duty with a backup and a note, then exactly those three are sent', () => {
    const current = member();
    expect(memberChanges(current, { ...draft(current), availability: 'unavailable', backupMemberId: 'u-2', availabilityNote: ' 隔离 ' })).toEqual({
      availability: 'unavailable',
      backupMemberId: 'u-2',
      availabilityNote: '隔离',
    });
  });

  it('when the note is cleared, then null is sent', () => {
    const current = member({ availabilityNote: '隔离' });
    expect(memberChanges(current, { ...draft(current), availabilityNote: '' })).toEqual({ availabilityNote: null });
  });

  it('when a leader changes the role and duties, then those go', () => {
    const current = member();
    expect(memberChanges(current, { ...draft(current), role: 'leader', dutyRoles: ['safety'] })).toEqual({ role: 'leader', dutyRoles: ['safety'] });
  });
});

describe('small helpers', () => {
  it('availabilityLine names the backup, or says there is none', () => {
    const team = [member(), member({ id: 'u-2', name: '赵文博' })];
    expect(availabilityLine(member(), team)).toBe('在岗');
    expect(availabilityLine(member({ availability: 'unavailable', backupMemberId: 'u-2', availabilityNote: '隔离至 12 月 3 日' }), team)).toBe(
      '暂不可用 · 替班：赵文博 · 隔离至 12 月 3 日',
    );
    expect(availabilityLine(member({ availability: 'off_duty' }), team)).toBe('休息 · 未指定替班');
  });

  it('teamKind says general or what the team is for', () => {
    expect(teamKind([])).toBe('综合服务队');
    expect(teamKind(['medical', 'medicine'])).toBe('专门队：就医、购药');
  });

  it('controlLevelConsequence says what changes and that earlier tickets keep their limits', () => {
    expect(controlLevelConsequence('幸福里小区', 'none', 'sealed')).toBe(
      '把“幸福里小区”从常态改为封控区。此后这里提交的求助按封控区的签收、办结时限办理，已提交的不变。会记录操作人和时间。',
    );
  });

  it('phone checks match the API: members need a mobile, a team may give a landline', () => {
    expect(isMobile('13900000011')).toBe(true);
    expect(isMobile('1390000001')).toBe(false);
    expect(isMobile('0311-86010001')).toBe(false);
    expect(isContactPhone('0311-86010001')).toBe(true);
    expect(isContactPhone('13900000011')).toBe(true);
    expect(isContactPhone('86010001')).toBe(false);
  });
});

describe('invite codes', () => {
  it('normaliseInviteCode takes a code as typed or read out, or a whole link', () => {
    expect(normaliseInviteCode('qdq4 qnfz')).toBe('QDQ4QNFZ');
    expect(normaliseInviteCode('QDQ4-QNFZ')).toBe('QDQ4QNFZ');
    expect(normaliseInviteCode('http://127.0.0.1:3000/#/pages/join/index?code=QDQ4QNFZ')).toBe('QDQ4QNFZ');
    expect(normaliseInviteCode('abc')).toBeNull();
    expect(normaliseInviteCode('这不是邀请码呀')).toBeNull();
  });

  it('joinLink is a full address in the browser build', () => {
    expect(joinLink('QDQ4QNFZ', 'https://minhu.example.cn')).toBe('https://minhu.example.cn/#/pages/join/index?code=QDQ4QNFZ');
    expect(joinLink('QDQ4QNFZ', null)).toBe('pages/join/index?code=QDQ4QNFZ');
  });
});
