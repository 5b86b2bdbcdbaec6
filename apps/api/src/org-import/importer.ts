import { ADDRESS_KINDS, CATEGORY_LABELS, DEFAULT_MAX_OPEN_PER_MEMBER, type AreaKind, type Category } from '@minhu/domain';
import { newId, type AreaRecord, type AuditEntry, type DbHandle, type OrgWriteRepository, type PersonRecord, type TeamRecord, type Tx } from '@minhu/db';
import { FileProblem, readFile, type RawSheet } from './read.js';
import { parseRows, sheetOf, SHEETS, type Problem, type RowOf, type SheetKey } from './sheets.js';

export interface ImportFile {
  name: string;
  bytes: Buffer;
}

type Tally = { created: number; updated: number; unchanged: number };
export interface ImportReport {
  dryRun: boolean;
  /** Nothing was changed: a dry run, or problems were found. */
  applied: boolean;
  problems: Problem[];
  counts: Record<SheetKey, Tally>;
  sheets: { file: string; sheet: string; kind: SheetKey | null; rows: number }[];
}

/** Thrown inside the transaction to roll it back after a dry run or when problems were found. */
class RollBack extends Error {}

/** Kinds from the top of the tree down: a child sits strictly below its parent. */
const RANK: Record<AreaKind, number> = {
  district: 0,
  subdistrict: 1,
  community: 2,
  village: 2,
  compound: 3,
  grid: 4,
  building: 5,
  unit: 6,
  household: 7,
};
const RESPONSIBILITY_KINDS: readonly AreaKind[] = ['grid', 'building', 'unit', 'household'];

/**
 * Imports the organisation ledger. Everything happens in one transaction, in dependency order
 * (areas, teams and their category rules, people, members, secretaries, responsibilities),
 * matched by codes and phone numbers, so importing the same files twice changes nothing. A dry
 * run — and any run that finds a problem — goes through exactly the same steps and then rolls
 * back: what it reports is what a real run would do.
 */
export async function importOrganisation(
  deps: { handle: DbHandle; org: OrgWriteRepository },
  files: readonly ImportFile[],
  options: { dryRun: boolean; actorId: string | null; now: Date },
): Promise<ImportReport> {
  const problems: Problem[] = [];
  const report: ImportReport = {
    dryRun: options.dryRun,
    applied: false,
    problems,
    counts: Object.fromEntries(Object.keys(SHEETS).map((k) => [k, { created: 0, updated: 0, unchanged: 0 }])) as ImportReport['counts'],
    sheets: [],
  };

  // Read and parse every sheet first: file-level problems stop here, before the database.
  const parsed: { [K in SheetKey]: { file: string; sheet: string; row: RowOf<K> }[] } = {
    areas: [],
    teams: [],
    people: [],
    members: [],
    officials: [],
    responsibilities: [],
  };
  for (const file of files) {
    let sheets: RawSheet[];
    try {
      sheets = await readFile(file.name, file.bytes);
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      problems.push({ file: file.name, sheet: '', row: null, column: null, message: error.message });
      continue;
    }
    for (const sheet of sheets) {
      const kind = sheetOf(sheet.name, sheet.header);
      report.sheets.push({ file: file.name, sheet: sheet.name, kind, rows: sheet.rows.length });
      if (!kind) {
        if (sheet.rows.length > 0 || sheet.header.length > 0) {
          problems.push({
            file: file.name,
            sheet: sheet.name,
            row: null,
            column: null,
            message: `认不出这是哪张表。工作表或文件请命名为：${Object.values(SHEETS).map((s) => s.title).join('、')}`,
          });
        }
        continue;
      }
      for (const row of parseRows(kind, file.name, sheet.name, sheet.header, sheet.rows, problems)) {
        (parsed[kind] as { file: string; sheet: string; row: typeof row }[]).push({ file: file.name, sheet: sheet.name, row });
      }
    }
  }
  if (problems.some((p) => p.row === null || p.row === 1)) return report;

  const { handle, org } = deps;
  const { now, actorId } = options;
  const audit: AuditEntry[] = [];
  const log = (entity: string, entityId: string, action: string, before: object | null, after: object | null) =>
    audit.push({ actorId, at: now, entity, entityId, action, before: before as Record<string, unknown> | null, after: after as Record<string, unknown> | null });

  try {
    await handle.db.transaction(async (tx) => {
      const at = (x: { file: string; sheet: string; row: { line: number } }, column: string | null, message: string) =>
        problems.push({ file: x.file, sheet: x.sheet, row: x.row.line, column, message });
      const count = (sheet: SheetKey, outcome: keyof Tally) => report.counts[sheet][outcome]++;

      // --- Areas, parents before children.
      const allCodes = new Set<string>();
      for (const a of parsed.areas) {
        allCodes.add(a.row.code);
        if (a.row.parent) allCodes.add(a.row.parent);
      }
      for (const p of parsed.people) allCodes.add(p.row.home);
      for (const m of parsed.members) if (m.row.home) allCodes.add(m.row.home);
      for (const t of parsed.teams) allCodes.add(t.row.area);
      for (const o of parsed.officials) if (o.row.area) allCodes.add(o.row.area);
      for (const r of parsed.responsibilities) allCodes.add(r.row.target);
      const areaByCode = new Map((await org.areasByCode([...allCodes], tx)).map((a) => [a.code, a]));

      const seenAreas = new Set<string>();
      let pending = parsed.areas.filter((a) => {
        if (seenAreas.has(a.row.code)) {
          at(a, '编码', `编码“${a.row.code}”在表中重复`);
          return false;
        }
        seenAreas.add(a.row.code);
        return true;
      });
      const inFile = new Set(pending.map((a) => a.row.code));
      while (pending.length > 0) {
        const waiting: typeof pending = [];
        for (const a of pending) {
          const parentCode = a.row.parent;
          if (parentCode && !areaByCode.has(parentCode) && inFile.has(parentCode)) {
            waiting.push(a);
            continue;
          }
          await importArea(tx, a, parentCode ? (areaByCode.get(parentCode) ?? null) : null);
        }
        if (waiting.length === pending.length) {
          for (const a of waiting) at(a, '上级编码', `上级“${a.row.parent}”的上级链有循环，或上级本身有错`);
          break;
        }
        pending = waiting;
      }

      async function importArea(tx: Tx, a: (typeof parsed.areas)[number], parent: AreaRecord | null) {
        const { row } = a;
        if (row.parent && !parent) return at(a, '上级编码', `上级编码“${row.parent}”不存在 (表中和系统中都没有)`);
        if (parent && RANK[row.kind] <= RANK[parent.kind]) {
          return at(a, '类型', `“${row.name}”(${row.kind}) 不能放在“${parent.name}”(${parent.kind}) 下面`);
        }
        if (row.kind !== 'compound' && row.compoundType) return at(a, '小区类型', '只有类型为“小区”的区域才填小区类型');
        const compoundType = row.kind === 'compound' ? (row.compoundType ?? 'residential') : null;
        const existing = areaByCode.get(row.code);
        if (existing) {
          if (existing.kind !== row.kind || (existing.parentId ?? null) !== (parent?.id ?? null)) {
            return at(a, '上级编码', `区域“${row.code}”已存在，导入不能改变它的类型或上级 (请在管理页面调整)`);
          }
          const changes: Partial<AreaRecord> = {};
          if (existing.name !== row.name) changes.name = row.name;
          if (existing.compoundType !== compoundType) changes.compoundType = compoundType;
          if (row.controlLevel && existing.controlLevel !== row.controlLevel) changes.controlLevel = row.controlLevel;
          if (Object.keys(changes).length === 0) return count('areas', 'unchanged');
          await org.updateArea(tx, existing.id, changes);
          log('area', existing.id, 'update', pick(existing, changes), changes);
          areaByCode.set(row.code, { ...existing, ...changes });
          return count('areas', 'updated');
        }
        const id = newId(now.getTime());
        const area: AreaRecord = {
          id,
          code: row.code,
          name: row.name,
          kind: row.kind,
          parentId: parent?.id ?? null,
          path: `${parent?.path ?? '/'}${id}/`,
          depth: parent ? parent.depth + 1 : 0,
          compoundType,
          controlLevel: row.controlLevel ?? 'none',
          defaultTeamId: null,
        };
        await org.insertArea(tx, area);
        log('area', id, 'create', null, { code: area.code, name: area.name, kind: area.kind, parent: row.parent ?? null });
        areaByCode.set(row.code, area);
        count('areas', 'created');
      }

      // --- Teams.
      const teamByCode = new Map((await org.teamsByCode([...new Set([...parsed.teams.map((t) => t.row.code), ...parsed.members.map((m) => m.row.team), ...parsed.responsibilities.map((r) => r.row.team), ...parsed.areas.flatMap((a) => (a.row.defaultTeam ? [a.row.defaultTeam] : []))])], tx)).map((t) => [t.code!, t]));
      const seenTeams = new Set<string>();
      /** The teams this import saved, with their area and how they were counted. */
      const savedTeams: { t: (typeof parsed.teams)[number]; team: TeamRecord; area: AreaRecord; outcome: keyof Tally }[] = [];
      for (const t of parsed.teams) {
        const { row } = t;
        if (seenTeams.has(row.code)) {
          at(t, '编码', `编码“${row.code}”在表中重复`);
          continue;
        }
        seenTeams.add(row.code);
        const area = areaByCode.get(row.area);
        if (!area) {
          at(t, '所属区域编码', `区域“${row.area}”不存在`);
          continue;
        }
        const wanted = { name: row.name, areaId: area.id, categories: row.categories ?? [], phone: row.phone ?? null };
        const existing = teamByCode.get(row.code);
        if (existing) {
          const changes = diff(existing, wanted);
          if (!changes) {
            savedTeams.push({ t, team: existing, area, outcome: 'unchanged' });
            continue;
          }
          await org.updateTeam(tx, existing.id, { ...changes, active: true });
          log('team', existing.id, 'update', pick(existing, changes), changes);
          teamByCode.set(row.code, { ...existing, ...changes });
          savedTeams.push({ t, team: { ...existing, ...changes }, area, outcome: 'updated' });
        } else {
          const team: TeamRecord = { id: newId(now.getTime()), code: row.code, active: true, maxOpenPerMember: DEFAULT_MAX_OPEN_PER_MEMBER, ...wanted };
          await org.insertTeam(tx, team);
          log('team', team.id, 'create', null, { code: team.code, name: team.name, area: row.area });
          teamByCode.set(row.code, team);
          savedTeams.push({ t, team, area, outcome: 'created' });
        }
      }

      // Category rules (派单规则): a team that takes only some categories gets those needs from its
      // area and everything below it; without the rule it would get none. The rules of the teams
      // in the file follow their 负责类别: added, and dropped when a category or the area changes.
      const wantedRules = new Map<string, (typeof savedTeams)[number] & { category: Category }>();
      for (const saved of savedTeams) {
        for (const category of saved.team.categories) {
          const other = wantedRules.get(`${saved.area.id}:${category}`);
          if (other) {
            at(saved.t, '负责类别', `“${CATEGORY_LABELS[category]}”在“${saved.area.name}”已由“${other.team.name}”负责：一个区域的一类求助只交给一支服务队`);
          } else wantedRules.set(`${saved.area.id}:${category}`, { ...saved, category });
        }
      }
      const fileTeams = new Set(savedTeams.map((s) => s.team.id));
      const rulesChanged = new Set<string>();
      const rules = await org.categoryRules({ areaIds: [...new Set([...wantedRules.values()].map((w) => w.area.id))], teamIds: [...fileTeams] }, tx);
      const standing = new Map<string, (typeof rules)[number]>();
      for (const rule of rules) {
        if (fileTeams.has(rule.teamId) && wantedRules.get(`${rule.areaId}:${rule.category}`)?.team.id !== rule.teamId) {
          await org.removeCategoryRule(tx, rule.id);
          log('category_rule', rule.id, 'delete', { areaId: rule.areaId, category: rule.category, teamId: rule.teamId }, null);
          rulesChanged.add(rule.teamId);
        } else standing.set(`${rule.areaId}:${rule.category}`, rule);
      }
      for (const [key, wanted] of wantedRules) {
        const rule = standing.get(key);
        if (rule?.teamId === wanted.team.id) continue;
        if (rule) {
          at(wanted.t, '负责类别', `“${CATEGORY_LABELS[wanted.category]}”在“${wanted.area.name}”已交给服务队“${rule.teamName}”，请先改那支队的负责类别`);
          continue;
        }
        const id = await org.addCategoryRule(tx, { areaId: wanted.area.id, category: wanted.category, teamId: wanted.team.id }, now);
        log('category_rule', id, 'create', null, { team: wanted.t.row.code, area: wanted.t.row.area, category: wanted.category });
        rulesChanged.add(wanted.team.id);
      }
      for (const saved of savedTeams) {
        count('teams', saved.outcome === 'unchanged' && rulesChanged.has(saved.team.id) ? 'updated' : saved.outcome);
      }
      // Default teams named by areas (now that the teams exist).
      for (const a of parsed.areas) {
        if (!a.row.defaultTeam) continue;
        const area = areaByCode.get(a.row.code);
        const team = teamByCode.get(a.row.defaultTeam);
        if (!team) {
          at(a, '兜底服务队编码', `服务队“${a.row.defaultTeam}”不存在`);
          continue;
        }
        if (area && area.defaultTeamId !== team.id) {
          await org.updateArea(tx, area.id, { defaultTeamId: team.id });
          log('area', area.id, 'update', { defaultTeamId: area.defaultTeamId }, { defaultTeamId: team.id });
          areaByCode.set(a.row.code, { ...area, defaultTeamId: team.id });
        }
      }

      // --- People: residents of the ledger (and anyone named by phone below).
      const phones = [...parsed.people.flatMap((p) => (p.row.phone ? [p.row.phone] : [])), ...parsed.members.map((m) => m.row.phone), ...parsed.officials.map((o) => o.row.phone), ...parsed.responsibilities.map((r) => r.row.member)];
      const codes = [...parsed.people.map((p) => p.row.code), ...parsed.responsibilities.map((r) => r.row.target)];
      const byPhone = new Map<string, PersonRecord>();
      const byCode = new Map<string, PersonRecord>();
      const remember = (p: PersonRecord) => {
        if (p.phone) byPhone.set(p.phone, p);
        if (p.code) byCode.set(p.code, p);
      };
      for (const p of await org.peopleBy('phone', [...new Set(phones)], tx)) remember(p);
      for (const p of await org.peopleBy('code', [...new Set(codes)], tx)) remember(p);

      const homeOf = (x: { file: string; sheet: string; row: { line: number } }, code: string): AreaRecord | null => {
        const area = areaByCode.get(code);
        if (!area) at(x, '住址编码', `住址“${code}”不存在`);
        else if (!ADDRESS_KINDS.includes(area.kind)) at(x, '住址编码', `住址“${code}”是${area.kind}，需要到小区、楼栋、单元或户`);
        else return area;
        return null;
      };

      const seenPeople = new Set<string>();
      for (const p of parsed.people) {
        const { row } = p;
        if (seenPeople.has(row.code)) {
          at(p, '人员编号', `人员编号“${row.code}”在表中重复`);
          continue;
        }
        seenPeople.add(row.code);
        const home = homeOf(p, row.home);
        if (!home) continue;
        const existing = byCode.get(row.code) ?? (row.phone ? byPhone.get(row.phone) : undefined);
        if (existing?.code && existing.code !== row.code) {
          at(p, '手机号', `手机号 ${row.phone} 已属于人员“${existing.code}”(${existing.name})`);
          continue;
        }
        if (row.phone && existing && existing.phone && existing.phone !== row.phone && byPhone.has(row.phone)) {
          at(p, '手机号', `手机号 ${row.phone} 已属于另一个人`);
          continue;
        }
        const wanted = { name: row.name, code: row.code, phone: row.phone ?? existing?.phone ?? null, homeAreaId: home.id, homeDetail: row.detail ?? null, specialTags: row.tags ?? [] };
        await savePerson(tx, 'people', existing, wanted);
      }

      async function savePerson(tx: Tx, sheet: SheetKey, existing: PersonRecord | undefined, wanted: Partial<PersonRecord> & { name: string }): Promise<PersonRecord> {
        if (existing) {
          const changes = diff(existing, wanted);
          if (!changes) {
            count(sheet, 'unchanged');
            return existing;
          }
          await org.updatePerson(tx, existing.id, changes, now);
          log('person', existing.id, 'update', pick(existing, changes), changes);
          const updated = { ...existing, ...changes };
          remember(updated);
          count(sheet, 'updated');
          return updated;
        }
        const person: PersonRecord = { id: newId(now.getTime()), phone: null, code: null, homeAreaId: null, homeDetail: null, specialTags: [], isAdmin: false, ...wanted };
        await org.insertPerson(tx, person, now);
        log('person', person.id, 'create', null, { name: person.name, phone: person.phone, code: person.code });
        remember(person);
        count(sheet, 'created');
        return person;
      }

      // --- Members: one general team per person (category teams may come on top).
      const memberships = await org.membershipsOf([...byPhone.values()].map((p) => p.id), tx);
      const generalTeamOf = new Map<string, { teamId: string; name: string }>();
      for (const m of memberships) if (m.active && m.general) generalTeamOf.set(m.userId, { teamId: m.teamId, name: m.teamName });
      const membershipKey = new Map(memberships.map((m) => [`${m.teamId}:${m.userId}`, m]));
      for (const m of parsed.members) {
        const { row } = m;
        const team = teamByCode.get(row.team);
        if (!team) {
          at(m, '服务队编码', `服务队“${row.team}”不存在`);
          continue;
        }
        const home = row.home ? homeOf(m, row.home) : null;
        if (row.home && !home) continue;
        const existing = byPhone.get(row.phone);
        const general = team.categories.length === 0;
        const other = existing ? generalTeamOf.get(existing.id) : undefined;
        if (general && other && other.teamId !== team.id) {
          at(m, '服务队编码', `${row.name} (${row.phone}) 已是“${other.name}”的队员，一个人只能加入一支综合服务队 (专门队不限)`);
          continue;
        }
        const person = await savePerson(tx, 'members', existing, {
          name: row.name,
          phone: row.phone,
          ...(home ? { homeAreaId: home.id, homeDetail: row.detail ?? null } : {}),
        });
        if (general) generalTeamOf.set(person.id, { teamId: team.id, name: team.name });
        const role = row.role ?? 'member';
        const duties = row.duties ?? [];
        const current = membershipKey.get(`${team.id}:${person.id}`);
        if (current && current.active && current.role === role && sameSet(current.dutyRoles, duties)) continue;
        await org.upsertMembership(tx, { teamId: team.id, userId: person.id, role, dutyRoles: duties, joinedAt: now });
        log('member', `${team.id}:${person.id}`, current ? 'update' : 'create', current ? { role: current.role, dutyRoles: current.dutyRoles, active: current.active } : null, { role, dutyRoles: duties, active: true });
        membershipKey.set(`${team.id}:${person.id}`, { teamId: team.id, userId: person.id, role, dutyRoles: duties, active: true, availability: 'on_duty', backupMemberId: null, general, teamName: team.name });
        // A person counted unchanged above may still have joined a team: say so.
        if (existing && report.counts.members.unchanged > 0 && !diff(existing, { name: row.name })) {
          report.counts.members.unchanged--;
          report.counts.members.updated++;
        }
      }

      // --- Secretaries and admins.
      const secretaryAreas = await org.secretaryAreas([...byPhone.values()].map((p) => p.id), tx);
      const hasRole = new Set(secretaryAreas.map((s) => `${s.userId}:${s.areaId}`));
      for (const o of parsed.officials) {
        const { row } = o;
        const area = row.area ? areaByCode.get(row.area) : undefined;
        if (row.role === 'secretary') {
          if (!row.area) {
            at(o, '区域编码', '书记需要填写负责的区域编码');
            continue;
          }
          if (!area) {
            at(o, '区域编码', `区域“${row.area}”不存在`);
            continue;
          }
          if (RANK[area.kind] > RANK.compound) {
            at(o, '区域编码', '书记负责的区域应是小区、社区、村、街道或区');
            continue;
          }
        }
        const existing = byPhone.get(row.phone);
        const person = await savePerson(tx, 'officials', existing, { name: row.name, phone: row.phone, ...(row.role === 'admin' ? { isAdmin: true } : {}) });
        if (row.role === 'secretary' && area && !hasRole.has(`${person.id}:${area.id}`)) {
          await org.addSecretary(tx, person.id, area.id, now);
          log('secretary', `${person.id}:${area.id}`, 'create', null, { user: row.phone, area: row.area });
          hasRole.add(`${person.id}:${area.id}`);
          if (existing && report.counts.officials.unchanged > 0) {
            report.counts.officials.unchanged--;
            report.counts.officials.updated++;
          }
        }
      }

      // --- Responsibilities (包保).
      for (const r of parsed.responsibilities) {
        const { row } = r;
        const team = teamByCode.get(row.team);
        const member = byPhone.get(row.member);
        if (!team) {
          at(r, '服务队编码', `服务队“${row.team}”不存在`);
          continue;
        }
        if (!member || !membershipKey.get(`${team.id}:${member.id}`)?.active) {
          at(r, '队员手机号', `${row.member} 不是“${team.name}”的队员`);
          continue;
        }
        const area = areaByCode.get(row.target);
        const person = area ? undefined : byCode.get(row.target);
        if (!area && !person) {
          at(r, '包保对象编码', `“${row.target}”既不是区域编码也不是人员编号`);
          continue;
        }
        if (area && !RESPONSIBILITY_KINDS.includes(area.kind)) {
          at(r, '包保对象编码', `包保对象应是网格、楼栋、单元、户或人员，“${row.target}”是${area.kind}`);
          continue;
        }
        const target = area ? { areaId: area.id } : { personId: person!.id };
        if (await org.responsibilityExists(team.id, member.id, target, tx)) {
          count('responsibilities', 'unchanged');
          continue;
        }
        const id = await org.addResponsibility(tx, { teamId: team.id, memberId: member.id, areaId: area?.id ?? null, personId: person?.id ?? null }, now);
        log('responsibility', id, 'create', null, { team: row.team, member: row.member, target: row.target });
        count('responsibilities', 'created');
      }

      if (problems.length > 0 || options.dryRun) throw new RollBack();
      if (audit.length === 0) return; // the same files again: nothing changed, nothing to record
      await org.audit(tx, [
        ...audit,
        { actorId, at: now, entity: 'import', entityId: null, action: 'import', before: null, after: { files: files.map((f) => f.name), counts: report.counts } },
      ]);
    });
    report.applied = true;
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return report;
}

function diff<T extends object>(current: T, wanted: Partial<T>): Partial<T> | null {
  const changes: Partial<T> = {};
  for (const [key, value] of Object.entries(wanted) as [keyof T, unknown][]) {
    const now = current[key];
    const same = Array.isArray(now) && Array.isArray(value) ? sameSet(now as string[], value as string[]) : now === value;
    if (!same) changes[key] = value as T[keyof T];
  }
  return Object.keys(changes).length > 0 ? changes : null;
}

function pick<T extends object>(from: T, keysOf: object): Partial<T> {
  return Object.fromEntries(Object.keys(keysOf).map((k) => [k, from[k as keyof T]])) as Partial<T>;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
