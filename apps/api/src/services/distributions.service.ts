import type {
  CreateDistributionBody,
  DeliveryBody,
  Distribution,
  DistributionHousehold,
  DistributionHouseholdsQuery,
} from '@minhu/contracts';
import type { DistributionLineView, DistributionRow, DistributionsRepository, OrgRepository, UploadsRepository } from '@minhu/db';
import { newId } from '@minhu/db';
import { planDistribution, progressOf, SPECIAL_TAG_LABELS } from '@minhu/domain';
import { badRequest, conflict, forbidden, notFound, type AppError } from '../errors.js';
import { covers, type Access } from './access.js';
import { decodeCursor, encodeCursor, UUID } from './cursor.js';
import { chinaTime, csvFile, xlsxFile, type Column, type ExportFile, type ExportLog } from './exports.service.js';
import type { Viewer } from './viewer.js';

const LEDGER_BATCH = 2_000;

/** How the viewer stands to a round: the whole of it, only their teams' doors, or not at all. */
type RoundView = { kind: 'all' } | { kind: 'team'; teamIds: string[] };

const householdOf = (l: DistributionLineView): DistributionHousehold => ({
  id: l.id,
  distributionId: l.distributionId,
  householdAreaId: l.householdAreaId,
  placeId: l.placeId,
  room: l.room,
  buildingId: l.buildingId,
  buildingName: l.buildingName,
  address: l.address,
  teamId: l.teamId,
  residentNames: l.residentNames,
  specialTags: l.specialTags,
  priority: l.priority,
  position: l.position,
  status: l.status,
  deliveredAt: l.deliveredAt?.toISOString() ?? null,
  deliveredById: l.deliveredById,
  deliveredByName: l.deliveredByName,
  note: l.note,
  attachments: l.attachments,
  reportedMissingAt: l.reportedMissingAt?.toISOString() ?? null,
  reportedMissingNote: l.reportedMissingNote,
});

/** The round's ledger columns (发放台账), in walking order. */
export const DISTRIBUTION_COLUMNS: readonly Column<DistributionLineView>[] = [
  { header: '序号', width: 8, value: (l) => l.position + 1 },
  { header: '地址', width: 36, value: (l) => l.address },
  { header: '楼栋', width: 14, value: (l) => l.buildingName },
  { header: '住户', width: 20, value: (l) => l.residentNames.join('、') || null },
  { header: '重点人员类别', width: 20, value: (l) => l.specialTags.map((t) => SPECIAL_TAG_LABELS[t]).join('、') || null },
  { header: '状态', width: 10, value: (l) => (l.status === 'delivered' ? '已发放' : '未发放') },
  { header: '发放人', width: 10, value: (l) => l.deliveredByName },
  { header: '发放时间', width: 20, time: true, value: (l) => l.deliveredAt },
  { header: '备注', width: 30, value: (l) => l.note },
  { header: '反馈未收到时间', width: 20, time: true, value: (l) => l.reportedMissingAt },
  { header: '反馈说明', width: 30, value: (l) => l.reportedMissingNote },
];

/**
 * 健康包等物资按户发放: a leader, secretary or admin starts a round over an area they run; every
 * household is a line (planDistribution); members of the team covering a household record the
 * handover once; a resident can say it never came. Who may see or do what is asked of access.
 */
export function createDistributionsService(deps: {
  distributions: DistributionsRepository;
  org: Pick<OrgRepository, 'area'>;
  uploads: Pick<UploadsRepository, 'get'>;
  access: Pick<Access, 'leadsOver'>;
}) {
  const { distributions, org, uploads, access } = deps;

  /** Oversees the area at `path`: an admin, a secretary over it, or the leader of a team holding it. */
  const runs = async (viewer: Viewer, path: string) => covers(viewer, path) || (await access.leadsOver(viewer, path));

  async function viewOf(viewer: Viewer, round: DistributionRow): Promise<RoundView | null> {
    if (await runs(viewer, round.areaPath)) return { kind: 'all' };
    const teamIds = viewer.teams.map((t) => t.id).filter((id) => round.teamIds.includes(id));
    return teamIds.length > 0 ? { kind: 'team', teamIds } : null;
  }

  /** The round and how the viewer sees it; 404 when they may not. */
  async function visible(viewer: Viewer, id: string) {
    const round = await distributions.get(id);
    const view = round ? await viewOf(viewer, round) : null;
    if (!round || !view) throw notFound('发放轮次');
    return { round, view };
  }

  async function summary(round: DistributionRow, view: RoundView): Promise<Distribution> {
    const buildings = await distributions.progress(round.id, view.kind === 'team' ? view.teamIds : undefined);
    const area = await org.area(round.areaId);
    const total = buildings.reduce((n, b) => n + b.total, 0);
    const delivered = buildings.reduce((n, b) => n + b.delivered, 0);
    const collator = new Intl.Collator('zh-CN', { numeric: true });
    return {
      id: round.id,
      name: round.name,
      areaId: round.areaId,
      areaName: area?.name ?? '',
      items: round.items,
      priorityTags: round.priorityTags,
      createdAt: round.createdAt.toISOString(),
      createdById: round.createdById,
      ...progressOf(total, delivered),
      reportedMissing: buildings.reduce((n, b) => n + b.missing, 0),
      buildings: buildings
        .sort((a, b) => collator.compare(a.name, b.name))
        .map((b) => ({ areaId: b.buildingId, name: b.name, ...progressOf(b.total, b.delivered), reportedMissing: b.missing })),
      unitsWithoutHouseholds: view.kind === 'all' ? round.unitsWithoutHouseholds : [],
      view: view.kind,
    };
  }

  return {
    async create(viewer: Viewer, body: CreateDistributionBody, now: Date): Promise<Distribution> {
      const area = await org.area(body.areaId);
      if (!area || !(await runs(viewer, area.path))) throw notFound('区域');
      const inputs = await distributions.planInputs(area);
      const plan = planDistribution({ rootId: area.id, ...inputs, priorityTags: body.priorityTags ?? [] });
      const round = {
        id: newId(now.getTime()),
        name: body.name.trim(),
        areaId: area.id,
        areaPath: area.path,
        items: body.items.map((i) => ({ name: i.name.trim(), quantity: i.quantity, unit: i.unit.trim() })),
        priorityTags: body.priorityTags ?? [],
        unitsWithoutHouseholds: plan.unitsWithoutHouseholds,
        teamIds: [...new Set(plan.lines.flatMap((l) => (l.teamId ? [l.teamId] : [])))],
        createdById: viewer.id,
        createdAt: now,
      };
      await distributions.create(round, plan.lines);
      return summary({ ...round, priorityTags: round.priorityTags }, { kind: 'all' });
    },

    async list(viewer: Viewer, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 20;
      const beforeId = query.cursor ? decodeCursor(query.cursor, ([id]) => (typeof id === 'string' && UUID.test(id) ? id : null)) : undefined;
      // Rounds under the areas the viewer runs: as a secretary (or everything, an admin), and as a
      // leader; and rounds that reach their teams.
      const paths: string[] | null = viewer.isAdmin ? null : viewer.secretaryAreas.map((a) => a.path);
      if (paths) {
        for (const t of viewer.teams) {
          if (t.role !== 'leader') continue;
          const teamArea = await org.area(t.areaId);
          if (teamArea) paths.push(teamArea.path);
        }
      }
      const rows = await distributions.list({ paths, teamIds: viewer.teams.map((t) => t.id) }, { limit: limit + 1, ...(beforeId ? { beforeId } : {}) });
      const page = rows.slice(0, limit);
      const items: Distribution[] = [];
      for (const { id } of page) {
        const { round, view } = await visible(viewer, id);
        items.push(await summary(round, view));
      }
      return { items, nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1]!.id]) : null };
    },

    async get(viewer: Viewer, id: string): Promise<Distribution> {
      const { round, view } = await visible(viewer, id);
      return summary(round, view);
    },

    async households(viewer: Viewer, id: string, query: DistributionHouseholdsQuery) {
      const { view } = await visible(viewer, id);
      const limit = query.limit ?? 20;
      const after = query.cursor
        ? decodeCursor(query.cursor, ([p]) => (typeof p === 'number' && Number.isInteger(p) && p >= 0 ? p : null))
        : undefined;
      let withinPath: string | undefined;
      if (query.areaId) {
        const area = await org.area(query.areaId);
        if (!area) throw notFound('区域');
        withinPath = area.path;
      }
      const rows = await distributions.lines(id, {
        limit: limit + 1,
        ...(query.status ? { status: query.status } : {}),
        ...(withinPath ? { withinPath } : {}),
        ...(view.kind === 'team' ? { teamIds: view.teamIds } : {}),
        ...(after === undefined ? {} : { afterPosition: after }),
      });
      const page = rows.slice(0, limit);
      return { items: page.map(householdOf), nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1]!.position]) : null };
    },

    /** Records one household's handover: a member of the team covering it, once (the second gets 409). */
    async deliver(viewer: Viewer, id: string, body: DeliveryBody, now: Date): Promise<DistributionHousehold> {
      if ((body.householdAreaId === undefined) === (body.lineId === undefined)) {
        throw badRequest('BAD_REQUEST', '请选择一户：householdAreaId 和 lineId 二者填一个。', { fields: ['householdAreaId', 'lineId'] });
      }
      const { round } = await visible(viewer, id);
      const line = await distributions.line(round.id, body.lineId ? { lineId: body.lineId } : { householdAreaId: body.householdAreaId! });
      if (!line) throw notFound('这一户 (不在本轮发放范围内)');
      if (!line.teamId || !viewer.teams.some((t) => t.id === line.teamId)) {
        throw forbidden('这一户不归您所在的服务队负责，请由负责的队员登记。');
      }
      if (line.status === 'delivered') throw alreadyDelivered(line);
      const attachments = body.attachments ?? [];
      for (const uploadId of attachments) {
        const upload = await uploads.get(uploadId);
        // Not someone else's, not a ticket's, not another door's already.
        if (!upload || upload.ownerId !== viewer.id || upload.ticketId !== null || (await distributions.photoLines(uploadId)).length > 0) {
          throw badRequest('UNKNOWN_ATTACHMENT', '照片不存在或不是您上传的，请重新拍照上传。', { attachmentId: uploadId });
        }
      }
      const won = await distributions.deliver(line.id, { userId: viewer.id, note: body.note?.trim() || null, attachments, at: now });
      const after = (await distributions.line(round.id, { lineId: line.id }))!;
      if (!won) throw alreadyDelivered(after);
      return householdOf(after);
    },

    /** A resident of the household says the pack never came: the line reopens and the leader hears. */
    async notReceived(viewer: Viewer, id: string, body: { note?: string }, now: Date): Promise<DistributionHousehold> {
      const round = await distributions.get(id);
      const mine = round ? (await distributions.ofResident(viewer.id, 100)).find((r) => r.round.id === round.id) : undefined;
      if (!round || !mine) throw notFound('您家的发放记录');
      const reopened = await distributions.reportMissing(mine.line, round, { userId: viewer.id, name: viewer.name, note: body.note?.trim() || null, at: now });
      if (!reopened) throw conflict('NOT_DELIVERED', '您家这一轮还没有发放记录，服务队会按顺序上门，请耐心等候。');
      return householdOf((await distributions.line(round.id, { lineId: mine.line.id }))!);
    },

    async mine(viewer: Viewer) {
      const rows = await distributions.ofResident(viewer.id, 20);
      return {
        items: rows.map((r) => ({
          distributionId: r.round.id,
          name: r.round.name,
          items: r.round.items,
          createdAt: r.round.createdAt.toISOString(),
          household: householdOf(r.line),
        })),
      };
    },

    /** The round's ledger (发放台账), as the ticket ledger: same files, same conventions. */
    async export(viewer: Viewer, id: string, format: 'csv' | 'xlsx', log: ExportLog): Promise<ExportFile> {
      const { round, view } = await visible(viewer, id);
      if (view.kind !== 'all') throw notFound('发放轮次');
      const day = chinaTime(round.createdAt).slice(0, 10);
      const name = `发放台账_${round.name}_${day}.${format}`;
      const ascii = `minhu-distribution_${day}.${format}`;
      const failed = (written: number, error: unknown) =>
        log.error({ err: error, format, rowsWritten: written, distributionId: round.id }, 'distribution export failed after streaming began; the response is aborted');
      return format === 'csv'
        ? csvFile(DISTRIBUTION_COLUMNS, distributions.ledger(round.id, LEDGER_BATCH), name, ascii, failed)
        : xlsxFile('发放台账', DISTRIBUTION_COLUMNS, () => distributions.ledger(round.id, LEDGER_BATCH), name, ascii, failed);
    },
  };
}

function alreadyDelivered(line: DistributionLineView): AppError {
  return conflict('ALREADY_DELIVERED', `这一户已由${line.deliveredByName ?? '其他队员'}登记发放。`, {
    deliveredBy: line.deliveredById ? { id: line.deliveredById, name: line.deliveredByName } : null,
    deliveredAt: line.deliveredAt?.toISOString() ?? null,
  });
}

export type DistributionsService = ReturnType<typeof createDistributionsService>;
