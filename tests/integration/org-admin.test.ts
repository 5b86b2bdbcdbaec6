import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWriteRepository } from '@minhu/db';
import { importOrganisation, type ImportFile } from '../../apps/api/src/org-import/importer.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const EXAMPLE = join(process.cwd(), 'templates/org/示例');
const exampleFiles = (): ImportFile[] => readdirSync(EXAMPLE).map((name) => ({ name, bytes: readFileSync(join(EXAMPLE, name)) }));
const csv = (name: string, text: string): ImportFile => ({ name, bytes: Buffer.from(`\uFEFF${text}`) });

function multipart(files: ImportFile[]) {
  const boundary = '----minhu-import';
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      f.bytes,
      Buffer.from('\r\n'),
    ]),
  );
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A community sets itself up from an empty database, as the issue checks it. */
describe('organisation set-up', () => {
  let t: TestApp;
  let admin: Client;
  const importAs = async (client: Client, files: ImportFile[], dryRun: boolean) => {
    const form = multipart(files.map((f) => ({ ...f, name: f.name })));
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/org/import?dryRun=${dryRun}`,
      headers: { authorization: `Bearer ${client.token}`, ...form.headers },
      payload: form.payload,
    });
    return { status: reply.statusCode, body: reply.json() };
  };
  const counts = async () =>
    (await t.handle.rows<Record<string, number>>(
      sql`SELECT (SELECT count(*)::int FROM areas) AS areas, (SELECT count(*)::int FROM teams) AS teams, (SELECT count(*)::int FROM users) AS users,
                 (SELECT count(*)::int FROM team_members) AS members, (SELECT count(*)::int FROM responsibilities) AS responsibilities`,
    ))[0];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('when the filled templates have mistakes, then the dry run lists each by sheet, row and column, and changes nothing', async () => {
    const broken = [
      csv('区域.csv', '编码*,名称*,类型*,上级编码\nYG-D,光明区,区,\nYG-S,向阳街道,街道,YG-D\nYG,阳光社区,社区,NOPE\nYG-S,重复街道,街道,YG-D\n'),
      csv('服务队.csv', '编码*,名称*,所属区域编码*\nT1,一队,YG-S\nT2,二队,YG-S\n'),
      csv('队员.csv', '姓名*,手机号*,服务队编码*\n甲,12345,T1\n乙,13700000011,T1\n乙,13700000011,T2\n'),
    ];
    const report = await importOrganisation({ handle: t.handle, org: createOrgWriteRepository(t.handle) }, broken, { dryRun: true, actorId: null, now: t.clock.now() });
    expect(report.applied).toBe(false);
    const where = report.problems.map((p) => `${p.sheet}:${p.row}:${p.column}`);
    expect(where).toEqual(expect.arrayContaining(['区域:4:上级编码', '区域:5:编码', '队员:2:手机号', '队员:4:服务队编码']));
    expect(report.problems.find((p) => p.row === 4 && p.sheet === '区域')!.message).toContain('NOPE');
    expect(report.problems.find((p) => p.sheet === '队员' && p.row === 4)!.message).toContain('只能加入一支综合服务队');
    expect(await counts()).toEqual({ areas: 0, teams: 0, users: 0, members: 0, responsibilities: 0 });
  });

  it('when the example community is imported (from the command line), then everything is created in one go', async () => {
    const report = await importOrganisation({ handle: t.handle, org: createOrgWriteRepository(t.handle) }, exampleFiles(), { dryRun: false, actorId: null, now: t.clock.now() });
    expect(report.problems).toEqual([]);
    expect(report.applied).toBe(true);
    expect(report.counts).toMatchObject({
      areas: { created: 13 },
      teams: { created: 3 },
      people: { created: 3 },
      members: { created: 5 },
      officials: { created: 2 },
      responsibilities: { created: 4 },
    });
    admin = await t.as('13700000099');
    expect((await admin.get('/api/v1/me')).body.roles).toContain('admin');
  });

  it('when the same files are imported again (through the API), then nothing changes', async () => {
    const before = await counts();
    const again = await importAs(admin, exampleFiles(), false);
    expect(again.status).toBe(200);
    for (const c of Object.values(again.body.counts) as { created: number; updated: number }[]) expect(c).toMatchObject({ created: 0, updated: 0 });
    expect(await counts()).toEqual(before);
  });

  it('refuses files that would hurt, with a clear message and nothing half-imported', async () => {
    const before = await counts();
    const problemsOf = async (files: ImportFile[]) => {
      const reply = await importAs(admin, files, false);
      expect(reply.status).toBe(422);
      expect(reply.body.error.code).toBe('IMPORT_HAS_PROBLEMS');
      return (reply.body.error.details.problems as { message: string }[]).map((p) => p.message).join('\n');
    };
    // GBK-encoded CSV (what Excel in China saves by default).
    const gbk = Buffer.from([0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xc3, 0xfb, 0xb3, 0xc6, 0x0a]);
    expect(await problemsOf([{ name: '区域.csv', bytes: gbk }])).toContain('UTF-8');
    expect(await problemsOf([csv('服务队.csv', '编码*,名称*\nX,某队\n')])).toContain('缺少“所属区域编码”列');
    const many = `编码*,名称*,类型*,上级编码\n${Array.from({ length: 100_001 }, (_, i) => `C${i},楼${i},楼栋,YG-A-G1`).join('\n')}`;
    expect(await problemsOf([csv('区域.csv', many)])).toContain('行数太多');
    // A workbook with a formula.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('区域');
    sheet.addRow(['编码', '名称', '类型', '上级编码']);
    sheet.addRow(['YG-A-B9', { formula: 'CONCAT("9","号楼")', result: '9号楼' }, '楼栋', 'YG-A-G1']);
    expect(await problemsOf([{ name: 'ledger.xlsx', bytes: Buffer.from(await workbook.xlsx.writeBuffer()) }])).toContain('含公式');
    // A zip that claims to unpack to 2 GB (a zip bomb in an .xlsx's clothes).
    expect(await problemsOf([{ name: 'bomb.xlsx', bytes: fakeZip(2 ** 31) }])).toContain('解压后过大');
    expect(await problemsOf([{ name: 'ledger.xlsx', bytes: Buffer.from('this is not a spreadsheet') }])).toContain('不是有效的 .xlsx');
    expect(await counts()).toEqual(before);
  });

  it('only admins import', async () => {
    const secretary = await t.as('13700000020');
    expect((await importAs(secretary, exampleFiles(), true)).status).toBe(403);
  });

  it('a volunteer joins a team by invite once the leader approves', async () => {
    const leader = await t.as('13700000001');
    const teamId = leader.userId && (await t.ids.team('阳光花园民呼我行党员服务队'));
    const invite = await leader.post(`/api/v1/teams/${teamId}/invites`, { hours: 24, maxUses: 1 });
    expect(invite.status).toBe(201);
    expect(invite.body.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);

    const volunteer = await t.as('15600000001');
    expect((await volunteer.get(`/api/v1/invites/${invite.body.code}`)).body).toMatchObject({ teamName: '阳光花园民呼我行党员服务队', valid: true });
    const join = await volunteer.post(`/api/v1/invites/${invite.body.code}/join`);
    expect(join.status).toBe(201);
    expect(join.body.status).toBe('pending');
    // Not a member until approved.
    expect((await volunteer.get('/api/v1/me')).body.teams).toEqual([]);
    // The invite had one use.
    const late = await t.as('15600000002');
    expect((await late.post(`/api/v1/invites/${invite.body.code}/join`)).status).toBe(410);

    const requests = (await leader.get(`/api/v1/teams/${teamId}/join-requests`)).body.items;
    expect(requests).toEqual([expect.objectContaining({ phone: '15600000001', status: 'pending' })]);
    // A plain member cannot approve.
    const member = await t.as('13700000002');
    expect((await member.post(`/api/v1/join-requests/${requests[0].id}/approve`)).status).toBe(403);
    expect((await leader.post(`/api/v1/join-requests/${requests[0].id}/approve`)).body.status).toBe('approved');
    expect((await leader.post(`/api/v1/join-requests/${requests[0].id}/approve`)).status).toBe(409);
    expect((await volunteer.get('/api/v1/me')).body.teams).toEqual([expect.objectContaining({ name: '阳光花园民呼我行党员服务队', role: 'member' })]);
  });

  it('a resident’s first request goes to the member responsible, and with that member unavailable, to the backup', async () => {
    const resident = await t.as('13700000101'); // 冯阿姨, dialysis, 孙红梅 responsible for her
    const first = await resident.file({ category: 'medical', urgency: 'normal', description: '透析需要车辆' });
    expect(first.status).toBe(201);
    // She sees the urgency she chose; the team works to the one raised for her (issue 16.2).
    expect(first.body).toMatchObject({ urgency: 'normal', team: { name: '阳光花园民呼我行党员服务队' }, assignee: { name: '孙红梅' } });

    const sun = await t.as('13700000002');
    const teamId = await t.ids.team('阳光花园民呼我行党员服务队');
    const qian = await t.ids.user('13700000001');
    // She may not change others, only herself.
    expect((await sun.put(`/api/v1/teams/${teamId}/members/${qian}`, { availability: 'unavailable' })).status).toBe(403);
    expect((await sun.put(`/api/v1/teams/${teamId}/members/${sun.userId}`, { role: 'leader' })).status).toBe(403);
    const away = await sun.put(`/api/v1/teams/${teamId}/members/${sun.userId}`, { availability: 'unavailable', backupMemberId: qian, availabilityNote: '发烧居家隔离' });
    expect(away.status).toBe(200);
    expect(away.body).toMatchObject({ availability: 'unavailable', backupMemberId: qian });

    const second = await resident.file({ category: 'medicine', urgency: 'normal', description: '降压药' });
    expect(second.body.assignee.name).toBe('钱卫国');
    // A member cannot add members; the leader can.
    expect((await sun.post(`/api/v1/teams/${teamId}/members`, { name: '新人', phone: '15600000003' })).status).toBe(403);
  });

  it('a secretary sets a control level within their area only, and it is audited', async () => {
    const secretary = await t.as('13700000020');
    const compound = await t.ids.area('YG-A');
    const set = await secretary.put(`/api/v1/areas/${compound}/control-level`, { controlLevel: 'sealed' });
    expect(set.body).toEqual({ id: compound, controlLevel: 'sealed' });
    const resident = await t.as('13700000101');
    expect((await resident.file({ category: 'help', urgency: 'normal', description: '封控后的求助' })).body.controlLevel).toBe('sealed');

    // Another community's area: as if it did not exist.
    await importOrganisation({ handle: t.handle, org: createOrgWriteRepository(t.handle) }, [csv('区域.csv', '编码*,名称*,类型*,上级编码\nOTHER,别的社区,社区,YG-S\n')], { dryRun: false, actorId: null, now: t.clock.now() });
    expect((await secretary.put(`/api/v1/areas/${await t.ids.area('OTHER')}/control-level`, { controlLevel: 'sealed' })).status).toBe(404);

    const log = (await admin.get('/api/v1/audit?entity=area')).body.items as { action: string }[];
    expect(log.find((e) => e.action === 'control_level')).toMatchObject({ action: 'control_level', actorName: '郑书记', before: { controlLevel: 'controlled' }, after: { controlLevel: 'sealed' } });
    expect((await secretary.get('/api/v1/audit')).status).toBe(403);
  });

  it('shows who covers what, and what is uncovered', async () => {
    const secretary = await t.as('13700000020');
    const compound = await t.ids.area('YG-A');
    expect((await secretary.get(`/api/v1/areas/${compound}`)).body.coverage).toMatchObject({ uncoveredUnits: 0, uncoveredPeople: 0 });
    const leader = await t.as('13700000001');
    const teamId = await t.ids.team('阳光花园民呼我行党员服务队');
    const list = (await leader.get(`/api/v1/teams/${teamId}/responsibilities`)).body.items as { id: string; target: { name: string } }[];
    const building1 = list.find((r) => r.target.name === '1号楼')!;
    expect((await leader.delete(`/api/v1/responsibilities/${building1.id}`)).body).toEqual({ removed: true });
    const coverage = (await secretary.get(`/api/v1/areas/${compound}`)).body.coverage;
    expect(coverage.units.map((u: { name: string }) => u.name)).toEqual(['1号楼 1单元', '1号楼 2单元']);
    expect(coverage.people.map((p: { name: string }) => p.name)).toEqual(['赵大爷']);
    const again = await leader.post('/api/v1/responsibilities', { teamId, memberId: await t.ids.user('13700000003'), areaId: await t.ids.area('YG-A-B1') });
    expect(again.status).toBe(201);
    expect((await secretary.get(`/api/v1/areas/${compound}`)).body.coverage).toMatchObject({ uncoveredUnits: 0, uncoveredPeople: 0 });
  });

  it('when a team takes only some categories, then those needs in its area go to it, and its rules follow its categories', async () => {
    const teams = (rows: string) => [csv('服务队.csv', `编码*,名称*,所属区域编码*,负责类别\n${rows}\n`)];
    const run = (files: ImportFile[]) => importOrganisation({ handle: t.handle, org: createOrgWriteRepository(t.handle) }, files, { dryRun: false, actorId: null, now: t.clock.now() });
    const resident = await t.as('13700000102'); // 韩女士, 老机械厂宿舍 in 阳光社区
    const teamFor = async (category: string) => (await resident.file({ category, urgency: 'normal', description: `${category} 的求助` })).body;

    expect((await run(teams('YG-MEDICAL,阳光社区就医保障队,YG,就医'))).counts.teams).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await teamFor('medical')).toMatchObject({ team: { name: '阳光社区就医保障队' }, routeReason: 'category_rule' });
    expect(await teamFor('medicine')).toMatchObject({ team: { name: '老机械厂宿舍党员服务队' }, routeReason: 'compound_team' });
    expect((await run(teams('YG-MEDICAL,阳光社区就医保障队,YG,就医'))).counts.teams).toEqual({ created: 0, updated: 0, unchanged: 1 });

    // One team per category and area: a second one is refused, in the same file or in a later one.
    const twice = await run(teams('YG-MEDICAL,阳光社区就医保障队,YG,就医\nYG-CAR,阳光社区车队,YG,就医'));
    expect(twice.applied).toBe(false);
    expect(twice.problems).toEqual([expect.objectContaining({ sheet: '服务队', row: 3, column: '负责类别', message: expect.stringContaining('阳光社区就医保障队') })]);
    const later = await run(teams('YG-CAR,阳光社区车队,YG,就医'));
    expect(later.problems.map((p) => p.message)).toEqual([expect.stringContaining('已交给服务队“阳光社区就医保障队”')]);
    expect(await teamFor('medical')).toMatchObject({ team: { name: '阳光社区就医保障队' } });

    // Its categories change: medical needs go back to the compound's team, medicine now comes to it.
    expect((await run(teams('YG-MEDICAL,阳光社区就医保障队,YG,购药'))).counts.teams).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await teamFor('medical')).toMatchObject({ team: { name: '老机械厂宿舍党员服务队' }, routeReason: 'compound_team' });
    expect(await teamFor('medicine')).toMatchObject({ team: { name: '阳光社区就医保障队' }, routeReason: 'category_rule' });
  });
});

/** A zip whose central directory claims one entry of `claimed` bytes (the data is tiny). */
function fakeZip(claimed: number): Buffer {
  const name = Buffer.from('xl/workbook.xml');
  const data = deflateRawSync(Buffer.alloc(1000));
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(claimed >>> 0, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(claimed >>> 0, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
