import type { AreaKind, Category, CompoundType, ControlLevel, DutyRole, SpecialTag, TeamRole } from '@minhu/domain';
import { createOrgWriteRepository, newId, type AreaRecord, type DbHandle, type PersonRecord, type TeamRecord, type Tx } from '@minhu/db';

/**
 * Small factories for the organisation a test needs, written straight through the organisation's
 * repositories (as immich's medium tests build their own users and assets): each returns what it
 * made, so a test names the people and places it asserts on instead of looking up the demo's.
 */
export type Area = AreaRecord;
export type Team = TeamRecord;
/** Everyone made here has a phone: tests sign in by it. */
export type Person = PersonRecord & { phone: string };

export function createFactories(handle: DbHandle, clock: () => Date) {
  const write = createOrgWriteRepository(handle);
  const inTx = <T>(work: (tx: Tx) => Promise<T>) => handle.db.transaction(work);
  let made = 0;

  async function area(spec: { kind: AreaKind; name: string; parent?: Area; code?: string; compoundType?: CompoundType; controlLevel?: ControlLevel }): Promise<Area> {
    const { parent } = spec;
    const id = newId(clock().getTime());
    const record: Area = {
      id,
      code: spec.code ?? `${parent?.code ?? 'T'}-${++made}`,
      name: spec.name,
      kind: spec.kind,
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: parent ? parent.depth + 1 : 0,
      compoundType: spec.kind === 'compound' ? (spec.compoundType ?? 'residential') : null,
      controlLevel: spec.controlLevel ?? 'none',
      defaultTeamId: null,
    };
    await inTx((tx) => write.insertArea(tx, record));
    return record;
  }

  /** A building and its units, named 1单元, 2单元, … */
  async function building(parent: Area, name: string, unitCount = 2): Promise<Area & { units: Area[] }> {
    const record = await area({ kind: 'building', name, parent });
    const units: Area[] = [];
    for (let i = 1; i <= unitCount; i++) units.push(await area({ kind: 'unit', name: `${i}单元`, parent: record }));
    return { ...record, units };
  }

  /** A service team; one for some categories only also gets them from its area (as the importer does). */
  async function team(spec: { name: string; area: Area; categories?: Category[]; phone?: string }): Promise<Team> {
    const now = clock();
    const record: Team = { id: newId(now.getTime()), code: null, name: spec.name, areaId: spec.area.id, categories: spec.categories ?? [], phone: spec.phone ?? null, active: true, maxOpenPerMember: 8 };
    await inTx(async (tx) => {
      await write.insertTeam(tx, record);
      for (const category of record.categories) await write.addCategoryRule(tx, { areaId: spec.area.id, category, teamId: record.id }, now);
    });
    return record;
  }

  async function person(spec: { name: string; phone?: string; home?: Area; detail?: string; tags?: SpecialTag[]; admin?: boolean }): Promise<Person> {
    const now = clock();
    const record: Person = {
      id: newId(now.getTime()),
      name: spec.name,
      phone: spec.phone ?? `158${String(++made).padStart(8, '0')}`,
      code: null,
      homeAreaId: spec.home?.id ?? null,
      homeDetail: spec.detail ?? null,
      specialTags: spec.tags ?? [],
      isAdmin: spec.admin ?? false,
    };
    await inTx((tx) => write.insertPerson(tx, record, now));
    return record;
  }

  /** Puts a person on a team; `away` marks them unavailable with a backup from the same team. */
  async function member(onTeam: Team, who: Person, spec: { role?: TeamRole; duties?: DutyRole[]; away?: { backup: Person; note: string } } = {}) {
    await inTx(async (tx) => {
      await write.upsertMembership(tx, { teamId: onTeam.id, userId: who.id, role: spec.role ?? 'member', dutyRoles: spec.duties ?? [], joinedAt: clock() });
      if (spec.away) {
        await write.setAvailability(tx, onTeam.id, who.id, { availability: 'unavailable', backupMemberId: spec.away.backup.id, availabilityNote: spec.away.note });
      }
    });
    return who;
  }

  async function secretary(who: Person, of: Area) {
    await inTx((tx) => write.addSecretary(tx, who.id, of.id, clock()));
    return who;
  }

  /** 包保: a member answers first for an area (grid, building, unit, household) or a person. */
  async function responsible(onTeam: Team, who: Person, target: Area | Person) {
    const isArea = 'kind' in target;
    await inTx((tx) =>
      write.addResponsibility(tx, { teamId: onTeam.id, memberId: who.id, areaId: isArea ? target.id : null, personId: isArea ? null : target.id }, clock()),
    );
  }

  return { area, building, team, person, member, secretary, responsible };
}

export type Factories = ReturnType<typeof createFactories>;

/**
 * The organisation most integration tests share, made afresh in each file's own database:
 *
 *   长安区 › 东风街道 (secretary 曹国平)
 *   ├ 春晖社区 (secretary 许国华; 春晖社区医疗队 takes its medical needs, led by 白医生)
 *   │ ├ 春晖小区: 一网格 › 1号楼; 二网格 › 3号楼, 5号楼 (3 units). Its team (队长 周志明):
 *   │ │   吴小燕 answers for 3号楼 (and is on the medical team too), 郑文涛 for 1号楼 and for
 *   │ │   钱秀英, 冯晓东 for 5号楼 but is away this week with 郑文涛 as his backup.
 *   │ │   Residents: 孙大伟 (3号楼 2单元 502室), 钱秀英 (1号楼 1单元 101室, elderly, alone, ill).
 *   │ └ 柳树屯, an urban village under control (管控区): 东巷. Its team (队长 马建军, 林丽), nobody
 *   │     answering for any place. Resident 何桂兰 (东巷 2单元, elderly, living alone).
 *   └ 和睦社区 (secretary 冯玉兰)
 *     └ 和睦家园: 1号楼, 2号楼. Its team (队长 郭春燕, 唐永刚 for 2号楼). Resident 赵静 (1号楼
 *         2单元 501室, no tags: nobody answers for her first).
 *   An admin, 吴平, above it all.
 */
export async function smallOrg(make: Factories) {
  const district = await make.area({ kind: 'district', name: '长安区', code: 'CA' });
  const subdistrict = await make.area({ kind: 'subdistrict', name: '东风街道', parent: district, code: 'CA-DF' });
  const community = await make.area({ kind: 'community', name: '春晖社区', parent: subdistrict, code: 'CA-DF-CH' });
  const compound = await make.area({ kind: 'compound', name: '春晖小区', parent: community, code: 'CA-DF-CH-XQ' });
  const grid1 = await make.area({ kind: 'grid', name: '一网格', parent: compound });
  const grid2 = await make.area({ kind: 'grid', name: '二网格', parent: compound });
  const building1 = await make.building(grid1, '1号楼');
  const building3 = await make.building(grid2, '3号楼');
  const building5 = await make.building(grid2, '5号楼', 3);
  const village = await make.area({ kind: 'compound', name: '柳树屯', parent: community, compoundType: 'urban_village', controlLevel: 'controlled' });
  const lane = await make.building(village, '东巷');
  const otherCommunity = await make.area({ kind: 'community', name: '和睦社区', parent: subdistrict, code: 'CA-DF-HM' });
  const otherCompound = await make.area({ kind: 'compound', name: '和睦家园', parent: otherCommunity });
  const otherBuilding1 = await make.building(otherCompound, '1号楼');
  const otherBuilding2 = await make.building(otherCompound, '2号楼');

  const compoundTeam = await make.team({ name: '春晖小区民呼我行党员服务队', area: compound, phone: '0311-80000001' });
  const medicalTeam = await make.team({ name: '春晖社区医疗队', area: community, categories: ['medical'], phone: '0311-80000010' });
  const villageTeam = await make.team({ name: '柳树屯民呼我行党员服务队', area: village, phone: '0311-80000002' });
  const otherTeam = await make.team({ name: '和睦家园民呼我行党员服务队', area: otherCompound, phone: '0311-80000003' });

  const person = make.person;
  const resident = await person({ name: '孙大伟', phone: '13600000001', home: building3.units[1], detail: '502室' });
  const neighbour = await person({ name: '钱秀英', phone: '13600000101', home: building1.units[0], detail: '101室', tags: ['elderly', 'living_alone', 'chronic_illness'] });
  const leader = await make.member(compoundTeam, await person({ name: '周志明', phone: '13600000010', home: building5.units[0], detail: '301室' }), { role: 'leader', duties: ['information'] });
  const member = await make.member(compoundTeam, await person({ name: '吴小燕', phone: '13600000011', home: building3.units[0], detail: '201室' }), { duties: ['health'] });
  const member2 = await make.member(compoundTeam, await person({ name: '郑文涛', phone: '13600000012' }), { duties: ['patrol'] });
  const away = await make.member(compoundTeam, await person({ name: '冯晓东', phone: '13600000031' }), { away: { backup: member2, note: '居家隔离' } });
  await make.responsible(compoundTeam, member, building3);
  await make.responsible(compoundTeam, member2, building1);
  await make.responsible(compoundTeam, member2, neighbour);
  await make.responsible(compoundTeam, away, building5);
  const medic = await make.member(medicalTeam, await person({ name: '白医生', phone: '13600000030' }), { role: 'leader', duties: ['health'] });
  await make.member(medicalTeam, member, { duties: ['health'] });

  const otherResident = await person({ name: '何桂兰', phone: '13600000002', home: lane.units[1], tags: ['elderly', 'living_alone'] });
  const villageLeader = await make.member(villageTeam, await person({ name: '马建军', phone: '13600000014' }), { role: 'leader' });
  const otherMember = await make.member(villageTeam, await person({ name: '林丽', phone: '13600000013' }));

  const otherCompoundResident = await person({ name: '赵静', phone: '13600000104', home: otherBuilding1.units[1], detail: '501室' });
  const otherCompoundLeader = await make.member(otherTeam, await person({ name: '郭春燕', phone: '13600000015' }), { role: 'leader' });
  const otherCompoundMember = await make.member(otherTeam, await person({ name: '唐永刚', phone: '13600000016' }));
  await make.responsible(otherTeam, otherCompoundMember, otherBuilding2);

  const secretary = await make.secretary(await person({ name: '许国华', phone: '13600000020' }), community);
  const otherCommunitySecretary = await make.secretary(await person({ name: '冯玉兰', phone: '13600000022' }), otherCommunity);
  const subdistrictSecretary = await make.secretary(await person({ name: '曹国平', phone: '13600000021' }), subdistrict);
  const admin = await person({ name: '吴平', phone: '13600000099', admin: true });

  return {
    areas: { district, subdistrict, community, compound, building1, building3, building5, village, otherCommunity, otherCompound },
    teams: { compound: compoundTeam, medical: medicalTeam, village: villageTeam, otherCompound: otherTeam },
    people: {
      resident,
      otherResident,
      leader,
      member,
      member2,
      otherMember,
      secretary,
      admin,
      neighbour,
      away,
      medic,
      villageLeader,
      subdistrictSecretary,
      otherCompoundResident,
      otherCompoundLeader,
      otherCompoundMember,
      otherCommunitySecretary,
    },
  };
}

export type SmallOrg = Awaited<ReturnType<typeof smallOrg>>;
