import { sql } from 'drizzle-orm';
import type { ActionInput, AreaKind, Category, CompoundType, ControlLevel, DutyRole, SpecialTag } from '@minhu/domain';
import { createOrgRepository, newId, schema, type DbHandle, type Tx } from '@minhu/db';
import type { CreateTicketBody } from '@minhu/contracts';
import type { Services } from '../app.js';

/**
 * The demo organisation: one subdistrict of 新华区 with two communities and a village, compounds of
 * every kind, a service team per compound, members responsible for buildings and special people,
 * residents, and tickets in every status with realistic timelines.
 */

interface AreaSeed {
  code: string;
  name: string;
  kind: AreaKind;
  compoundType?: CompoundType;
  controlLevel?: ControlLevel;
  children?: AreaSeed[];
}

const units = (buildingCode: string, count: number): AreaSeed[] =>
  Array.from({ length: count }, (_, i) => ({ code: `${buildingCode}-U${i + 1}`, name: `${i + 1}单元`, kind: 'unit' }));
const building = (compoundCode: string, n: number, unitCount = 2, name = `${n}号楼`): AreaSeed => ({
  code: `${compoundCode}-B${n}`,
  name,
  kind: 'building',
  children: units(`${compoundCode}-B${n}`, unitCount),
});

const XFL = 'XH-JSL-XF-XFL';
const HSZ = 'XH-JSL-XF-HSZ';
const HPY = 'XH-JSL-HP-HPY';
const FZC = 'XH-JSL-HP-FZC';
const XW = 'XH-JSL-XWC-XW';

const AREAS: AreaSeed = {
  code: 'XH',
  name: '新华区',
  kind: 'district',
  children: [
    {
      code: 'XH-JSL',
      name: '建设路街道',
      kind: 'subdistrict',
      children: [
        {
          code: 'XH-JSL-XF',
          name: '幸福社区',
          kind: 'community',
          children: [
            {
              code: XFL,
              name: '幸福里小区',
              kind: 'compound',
              compoundType: 'residential',
              children: [
                { code: `${XFL}-G1`, name: '第一网格', kind: 'grid', children: [building(XFL, 1), building(XFL, 2)] },
                { code: `${XFL}-G2`, name: '第二网格', kind: 'grid', children: [building(XFL, 3), building(XFL, 5, 3)] },
              ],
            },
            {
              code: HSZ,
              name: '槐树庄',
              kind: 'compound',
              compoundType: 'urban_village',
              controlLevel: 'controlled',
              children: [
                {
                  code: `${HSZ}-G1`,
                  name: '槐树庄网格',
                  kind: 'grid',
                  children: [building(HSZ, 1, 3, '东一巷'), building(HSZ, 2, 3, '东二巷'), building(HSZ, 3, 2, '西巷')],
                },
              ],
            },
          ],
        },
        {
          code: 'XH-JSL-HP',
          name: '和平社区',
          kind: 'community',
          children: [
            {
              code: HPY,
              name: '和平苑小区',
              kind: 'compound',
              compoundType: 'residential',
              children: [{ code: `${HPY}-G1`, name: '和平苑网格', kind: 'grid', children: [building(HPY, 1), building(HPY, 2)] }],
            },
            {
              code: FZC,
              name: '纺织厂家属院',
              kind: 'compound',
              compoundType: 'unmanaged',
              controlLevel: 'sealed',
              children: [{ code: `${FZC}-G1`, name: '家属院网格', kind: 'grid', children: [building(FZC, 1, 3), building(FZC, 2, 3)] }],
            },
          ],
        },
        {
          code: 'XH-JSL-XWC',
          name: '西王村',
          kind: 'village',
          children: [
            {
              code: XW,
              name: '西王村',
              kind: 'compound',
              compoundType: 'key_village',
              children: [
                {
                  code: `${XW}-G1`,
                  name: '西王村一组',
                  kind: 'grid',
                  children: [building(XW, 1, 4, '前街'), building(XW, 2, 4, '后街')],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

interface PersonSeed {
  phone: string;
  name: string;
  home?: string;
  detail?: string;
  tags?: SpecialTag[];
  admin?: boolean;
}

const PEOPLE: PersonSeed[] = [
  // The demo's sign-in accounts (see demo-accounts.ts).
  { phone: '13900000001', name: '张建国', home: `${XFL}-B3-U2`, detail: '502室' },
  { phone: '13900000002', name: '李桂芳', home: `${HSZ}-B1-U2`, detail: '8号院', tags: ['elderly', 'living_alone'] },
  { phone: '13900000010', name: '刘志强', home: `${XFL}-B5-U1`, detail: '301室' },
  { phone: '13900000011', name: '陈晓燕', home: `${XFL}-B3-U1`, detail: '201室' },
  { phone: '13900000012', name: '赵文博', home: `${XFL}-B2-U2`, detail: '602室' },
  { phone: '13900000013', name: '孙丽', home: `${HSZ}-B2-U1`, detail: '3号院' },
  { phone: '13900000020', name: '周建华' },
  { phone: '13900000099', name: '吴敏', admin: true },
  // Other team members, leaders and secretaries.
  { phone: '13900000014', name: '马国栋', home: `${HSZ}-B3-U1`, detail: '2号院' },
  { phone: '13900000015', name: '郭海燕', home: `${HPY}-B1-U1`, detail: '101室' },
  { phone: '13900000016', name: '何永刚', home: `${HPY}-B2-U2`, detail: '402室' },
  { phone: '13900000017', name: '黄淑琴', home: `${FZC}-B1-U2`, detail: '3楼东户' },
  { phone: '13900000018', name: '罗建平', home: `${XW}-B1-U3`, detail: '前街18号' },
  { phone: '13900000019', name: '邓丽君', home: `${XW}-B2-U1`, detail: '后街6号' },
  { phone: '13900000030', name: '林医生' },
  { phone: '13900000031', name: '宋晓东', home: `${XFL}-B1-U2`, detail: '402室' },
  { phone: '13900000021', name: '郑国华' },
  { phone: '13900000022', name: '冯玉梅' },
  // Residents, several of them 重点人员.
  { phone: '13900000101', name: '王秀兰', home: `${XFL}-B1-U1`, detail: '101室', tags: ['elderly', 'living_alone', 'chronic_illness'] },
  { phone: '13900000102', name: '刘芳', home: `${XFL}-B2-U1`, detail: '302室', tags: ['pregnant'] },
  { phone: '13900000103', name: '陈福生', home: `${FZC}-B2-U1`, detail: '1楼西户', tags: ['dialysis', 'elderly'] },
  { phone: '13900000104', name: '赵敏', home: `${HPY}-B1-U2`, detail: '501室' },
  { phone: '13900000105', name: '吴静', home: `${XW}-B2-U3`, detail: '后街21号', tags: ['infant'] },
  { phone: '13900000106', name: '高德明', home: `${XFL}-B5-U3`, detail: '1101室', tags: ['disabled'] },
  { phone: '13900000107', name: '杨淑珍', home: `${HSZ}-B2-U3`, detail: '15号院', tags: ['chemotherapy'] },
  // Known to the ledger, without a phone of their own: relatives and grid workers file for her.
  { phone: '', name: '孙桂英', home: `${XFL}-B3-U1`, detail: '102室', tags: ['elderly', 'living_alone'] },
];

interface TeamSeed {
  key: string;
  name: string;
  area: string;
  phone: string;
  categories?: Category[];
  members: { phone: string; role: 'leader' | 'member'; duty?: DutyRole[]; unavailable?: { backup: string; note: string } }[];
}

const TEAMS: TeamSeed[] = [
  {
    key: 'xfl',
    name: '幸福里小区民呼我行党员服务队',
    area: XFL,
    phone: '0311-86010001',
    members: [
      { phone: '13900000010', role: 'leader', duty: ['information'] },
      { phone: '13900000011', role: 'member', duty: ['health'] },
      { phone: '13900000012', role: 'member', duty: ['patrol', 'safety'] },
      // Quarantined this week: still on the team; 赵文博 takes building 5 meanwhile.
      { phone: '13900000031', role: 'member', duty: ['publicity'], unavailable: { backup: '13900000012', note: '居家隔离至 12 月 3 日' } },
    ],
  },
  {
    key: 'hsz',
    name: '槐树庄民呼我行党员服务队',
    area: HSZ,
    phone: '0311-86010002',
    members: [
      { phone: '13900000014', role: 'leader', duty: ['information'] },
      { phone: '13900000013', role: 'member', duty: ['health', 'patrol'] },
    ],
  },
  {
    key: 'hpy',
    name: '和平苑小区民呼我行党员服务队',
    area: HPY,
    phone: '0311-86010003',
    members: [
      { phone: '13900000015', role: 'leader', duty: ['information'] },
      { phone: '13900000016', role: 'member', duty: ['safety'] },
    ],
  },
  {
    key: 'fzc',
    name: '纺织厂家属院民呼我行党员服务队',
    area: FZC,
    phone: '0311-86010004',
    members: [{ phone: '13900000017', role: 'leader', duty: ['information', 'health'] }],
  },
  {
    key: 'xw',
    name: '西王村红色跑腿队',
    area: XW,
    phone: '0311-86010005',
    members: [
      { phone: '13900000018', role: 'leader', duty: ['information'] },
      { phone: '13900000019', role: 'member', duty: ['patrol'] },
    ],
  },
  {
    key: 'xf-medical',
    name: '幸福社区就医保障队',
    area: 'XH-JSL-XF',
    phone: '0311-86010010',
    categories: ['medical'],
    members: [
      { phone: '13900000030', role: 'leader', duty: ['health'] },
      { phone: '13900000011', role: 'member', duty: ['health'] },
    ],
  },
  {
    key: 'xf-station',
    name: '幸福社区党群服务站',
    area: 'XH-JSL-XF',
    phone: '0311-86010000',
    members: [{ phone: '13900000020', role: 'leader', duty: ['information'] }],
  },
];

const RESPONSIBILITIES: { team: string; member: string; area?: string; person?: string }[] = [
  { team: 'xfl', member: '13900000011', area: `${XFL}-B3` },
  { team: 'xfl', member: '13900000012', area: `${XFL}-B1` },
  { team: 'xfl', member: '13900000012', area: `${XFL}-B2` },
  { team: 'xfl', member: '13900000031', area: `${XFL}-B5` },
  { team: 'xfl', member: '13900000010', area: `${XFL}-G2` },
  { team: 'xfl', member: '13900000012', person: '13900000101' },
  { team: 'hsz', member: '13900000013', area: `${HSZ}-G1` },
  { team: 'hsz', member: '13900000013', person: '13900000107' },
  { team: 'hpy', member: '13900000016', area: `${HPY}-B2` },
  { team: 'xw', member: '13900000019', area: `${XW}-B2` },
];

const SECRETARIES = [
  { phone: '13900000020', area: 'XH-JSL-XF' },
  { phone: '13900000022', area: 'XH-JSL-HP' },
  { phone: '13900000021', area: 'XH-JSL' },
];

const CATEGORY_RULES = [{ area: 'XH-JSL-XF', category: 'medical' as Category, team: 'xf-medical' }];
const DEFAULT_TEAMS = [{ area: 'XH-JSL-XF', team: 'xf-station' }];

/** Loads the demo data when the database has no areas yet. Returns whether it did. */
export async function seedDemoIfEmpty(handle: DbHandle, services: Services, now = new Date()): Promise<boolean> {
  const seeded = await handle.db.transaction(async (tx) => {
    // Several processes may start at once on one PostgreSQL: one seeds, the others see it done.
    if (handle.kind === 'postgres') await tx.execute(sql`SELECT pg_advisory_xact_lock(72110002)`);
    const [row] = await handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas`, tx);
    if (row!.n > 0) return false;
    await seedOrganisation(tx);
    return true;
  });
  if (seeded) await seedTickets(handle, services, now);
  return seeded;
}

async function seedOrganisation(tx: Tx) {
  const areaIds = new Map<string, string>();
  const areaRows: (typeof schema.areas.$inferInsert)[] = [];
  const walk = (area: AreaSeed, parent: { id: string; path: string } | null, depth: number) => {
    const id = newId();
    const path = `${parent?.path ?? '/'}${id}/`;
    areaIds.set(area.code, id);
    areaRows.push({
      id,
      parentId: parent?.id ?? null,
      kind: area.kind,
      compoundType: area.compoundType ?? null,
      name: area.name,
      code: area.code,
      path,
      depth,
      controlLevel: area.controlLevel ?? 'none',
    });
    for (const child of area.children ?? []) walk(child, { id, path }, depth + 1);
  };
  walk(AREAS, null, 0);
  await tx.insert(schema.areas).values(areaRows);
  const area = (code: string) => areaIds.get(code) ?? fail(`unknown area ${code}`);

  const userIds = new Map<string, string>();
  await tx.insert(schema.users).values(
    PEOPLE.map((p) => {
      const id = newId();
      userIds.set(p.phone || p.name, id);
      return {
        id,
        name: p.name,
        phone: p.phone || null,
        homeAreaId: p.home ? area(p.home) : null,
        homeDetail: p.detail ?? null,
        specialTags: p.tags ?? [],
        isAdmin: p.admin ?? false,
      };
    }),
  );
  const user = (key: string) => userIds.get(key) ?? fail(`unknown person ${key}`);

  const teamIds = new Map(TEAMS.map((t) => [t.key, newId()]));
  const team = (key: string) => teamIds.get(key) ?? fail(`unknown team ${key}`);
  await tx.insert(schema.teams).values(
    TEAMS.map((t) => ({ id: team(t.key), name: t.name, areaId: area(t.area), phone: t.phone, categories: t.categories ?? [] })),
  );
  await tx.insert(schema.teamMembers).values(
    TEAMS.flatMap((t) =>
      t.members.map((m) => ({
        teamId: team(t.key),
        userId: user(m.phone),
        role: m.role,
        dutyRoles: m.duty ?? [],
        ...(m.unavailable
          ? { availability: 'unavailable' as const, backupMemberId: user(m.unavailable.backup), availabilityNote: m.unavailable.note }
          : {}),
      })),
    ),
  );
  await tx.insert(schema.responsibilities).values(
    RESPONSIBILITIES.map((r) => ({
      id: newId(),
      teamId: team(r.team),
      memberId: user(r.member),
      areaId: r.area ? area(r.area) : null,
      personId: r.person ? user(r.person) : null,
    })),
  );
  await tx
    .insert(schema.areaRoles)
    .values(SECRETARIES.map((s) => ({ userId: user(s.phone), areaId: area(s.area), role: 'secretary' })));
  await tx
    .insert(schema.categoryRules)
    .values(CATEGORY_RULES.map((r) => ({ id: newId(), areaId: area(r.area), category: r.category, teamId: team(r.team) })));
  for (const d of DEFAULT_TEAMS) {
    await tx.execute(sql`UPDATE areas SET default_team_id = ${team(d.team)} WHERE id = ${area(d.area)}`);
  }
}

type Step = [minutesAfterFiling: number, actorPhone: string, input: ActionInput];

interface TicketSeed {
  filer: string;
  minutesAgo: number;
  body: Omit<CreateTicketBody, 'areaId' | 'beneficiary'> & {
    area?: string;
    beneficiary?: { name: string; phone?: string; area: string };
  };
  steps?: Step[];
}

const claim: ActionInput = { action: 'claim' };
const start: ActionInput = { action: 'start' };
const note = (text: string): ActionInput => ({ action: 'note', text, attachments: [] });
const resolve = (text: string): ActionInput => ({ action: 'resolve', text, attachments: [] });
const confirm = (satisfied: boolean, rating: number, comment: string | null = null): ActionInput => ({
  action: 'confirm',
  satisfied,
  rating,
  comment,
});

const TICKETS: TicketSeed[] = [
  // Closed, rated: the whole journey.
  {
    filer: '13900000001',
    minutesAgo: 3 * 24 * 60,
    body: {
      category: 'medicine',
      urgency: 'normal',
      description: '家里的降压药快吃完了，需要代购硝苯地平缓释片，可以用同成分的替代。',
      items: [{ name: '硝苯地平缓释片', quantity: 2, unit: '盒', note: '30mg' }],
    },
    steps: [
      [12, '13900000011', claim],
      [20, '13900000011', start],
      [95, '13900000011', resolve('已在仁和大药房代购 2 盒，放在 3号楼 2单元门口，已电话告知。')],
      [180, '13900000001', confirm(true, 5, '陈大姐送药很及时，谢谢！')],
    ],
  },
  // Resolved, waiting for the resident to confirm.
  {
    filer: '13900000001',
    minutesAgo: 26 * 60,
    body: {
      category: 'supplies',
      urgency: 'normal',
      description: '小区封控第三天，家里缺米面和鸡蛋，三口人。',
      items: [
        { name: '大米', quantity: 10, unit: '斤' },
        { name: '挂面', quantity: 2, unit: '把' },
        { name: '鸡蛋', quantity: 30, unit: '个' },
      ],
    },
    steps: [
      [25, '13900000011', claim],
      [40, '13900000011', start],
      [300, '13900000011', resolve('生活物资已送到，按保供价结算，已拍照留存。')],
    ],
  },
  // In progress, for a special person (raised to urgent), with a note.
  {
    filer: '13900000101',
    minutesAgo: 5 * 60,
    body: {
      category: 'medicine',
      urgency: 'normal',
      description: '糖尿病，胰岛素只剩两天的量，需要去社区医院开药。',
      items: [{ name: '门冬胰岛素注射液', quantity: 3, unit: '支' }],
    },
    steps: [
      [8, '13900000012', claim],
      [15, '13900000012', start],
      [60, '13900000012', note('已联系社区卫生服务站开处方，下午取药。')],
    ],
  },
  // Claimed, not yet started.
  {
    filer: '13900000102',
    minutesAgo: 90,
    body: {
      category: 'supplies',
      urgency: 'urgent',
      description: '怀孕七个月，家里没有新鲜蔬菜和牛奶了，不方便下楼排队。',
      items: [
        { name: '纯牛奶', quantity: 2, unit: '箱' },
        { name: '青菜', quantity: 3, unit: '斤' },
      ],
    },
    steps: [[10, '13900000012', claim]],
  },
  // Waiting for a claim, already overdue.
  {
    filer: '13900000106',
    minutesAgo: 3 * 60,
    body: {
      category: 'help',
      urgency: 'normal',
      description: '轮椅坏了一个轮子，出不了门，想请人帮忙看看能不能修。',
    },
  },
  // Waiting for a claim, fresh.
  {
    filer: '13900000001',
    minutesAgo: 15,
    body: {
      category: 'help',
      urgency: 'normal',
      description: '楼道灯坏了，晚上老人上下楼看不见，麻烦物业或志愿者换一下。',
    },
  },
  // Filed for someone without a phone (proxy), waiting for a claim.
  {
    filer: '13900000001',
    minutesAgo: 40,
    body: {
      category: 'medicine',
      urgency: 'urgent',
      description: '楼下独居的孙奶奶感冒发烧，需要退烧药和体温计，她没有智能手机，我代她提交。',
      items: [
        { name: '布洛芬混悬液', quantity: 1, unit: '瓶' },
        { name: '电子体温计', quantity: 1, unit: '个' },
      ],
      beneficiary: { name: '孙桂英', area: `${XFL}-B3-U1` },
    },
  },
  // Medical, routed by the category rule to the community's medical team.
  {
    filer: '13900000101',
    minutesAgo: 50,
    body: {
      category: 'medical',
      urgency: 'urgent',
      description: '明天上午要去省二院复查，需要开具出行证明并协调车辆。',
    },
  },
  // Emergency in a controlled urban village, for an elderly resident living alone.
  {
    filer: '13900000002',
    minutesAgo: 6,
    body: {
      category: 'medical',
      urgency: 'emergency',
      description: '突然胸闷气短，头晕，一个人在家，需要马上去医院。',
    },
  },
  // Dialysis in the sealed compound: claimed and being worked.
  {
    filer: '13900000103',
    minutesAgo: 4 * 60,
    body: {
      category: 'medical',
      urgency: 'urgent',
      description: '每周二、四、六透析，家属院封控了，需要开通行证并安排车辆去市一院。',
    },
    steps: [
      [5, '13900000017', claim],
      [10, '13900000017', start],
      [30, '13900000017', note('已向街道申请通行证，车辆由街道保障组安排。')],
    ],
  },
  // Cancelled by the resident before anybody claimed it.
  {
    filer: '13900000104',
    minutesAgo: 2 * 24 * 60,
    body: {
      category: 'supplies',
      urgency: 'normal',
      description: '需要一袋面粉和食用油。',
      items: [
        { name: '面粉', quantity: 1, unit: '袋' },
        { name: '食用油', quantity: 1, unit: '桶' },
      ],
    },
    steps: [[30, '13900000104', { action: 'cancel', reason: '超市已恢复配送，自己买到了。' }]],
  },
  // Not satisfied: reopened and back with the member.
  {
    filer: '13900000107',
    minutesAgo: 30 * 60,
    body: {
      category: 'medicine',
      urgency: 'urgent',
      description: '化疗后需要升白针，医院开了处方，需要代取。',
      items: [{ name: '聚乙二醇化重组人粒细胞刺激因子注射液', quantity: 1, unit: '支' }],
    },
    steps: [
      [20, '13900000013', claim],
      [30, '13900000013', start],
      [240, '13900000013', resolve('已代取药品送到家中。')],
      [300, '13900000107', confirm(false, 2, '送来的规格不对，要 6mg 的。')],
    ],
  },
  // Closed in the key village, infant formula.
  {
    filer: '13900000105',
    minutesAgo: 2 * 24 * 60 + 120,
    body: {
      category: 'supplies',
      urgency: 'urgent',
      description: '孩子八个月大，奶粉只够一天了，需要飞鹤星飞帆 3 段。',
      items: [{ name: '婴儿奶粉 (飞鹤星飞帆 3段)', quantity: 2, unit: '罐' }],
    },
    steps: [
      [9, '13900000019', claim],
      [100, '13900000019', resolve('红色跑腿队已从镇上代购送达。')],
      [200, '13900000105', confirm(true, 4, null)],
    ],
  },
];

async function seedTickets(handle: DbHandle, services: Services, now: Date) {
  const phones = new Map<string, string>();
  const people = await handle.rows<{ id: string; phone: string }>(sql`SELECT id, phone FROM users WHERE phone IS NOT NULL`);
  for (const p of people) phones.set(p.phone, p.id);
  const codes = new Map<string, string>();
  for (const a of await handle.rows<{ id: string; code: string }>(sql`SELECT id, code FROM areas`)) codes.set(a.code, a.id);
  const org = createOrgRepository(handle);
  const viewer = async (phone: string) => (await org.userContext(phones.get(phone) ?? fail(`unknown ${phone}`)))!;

  for (const [index, seed] of TICKETS.entries()) {
    const filedAt = new Date(now.getTime() - seed.minutesAgo * 60_000);
    const { area, beneficiary, ...rest } = seed.body;
    const body: CreateTicketBody = {
      ...rest,
      ...(area ? { areaId: codes.get(area)! } : {}),
      ...(beneficiary
        ? { beneficiary: { name: beneficiary.name, areaId: codes.get(beneficiary.area)!, ...(beneficiary.phone ? { phone: beneficiary.phone } : {}) } }
        : {}),
    };
    const { ticket } = await services.tickets.create(await viewer(seed.filer), body, `demo-${index}`, filedAt);
    for (const [minutes, actor, input] of seed.steps ?? []) {
      await services.tickets.act(await viewer(actor), ticket.id, input, undefined, new Date(filedAt.getTime() + minutes * 60_000));
    }
  }
}

function fail(message: string): never {
  throw new Error(`demo seed: ${message}`);
}
