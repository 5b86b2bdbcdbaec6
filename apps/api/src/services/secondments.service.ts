import { MAX_SECONDMENT_DAYS, type Secondment, type SecondmentBody } from '@minhu/contracts';
import type { DbHandle, OrgRepository, OrgWriteRepository, SecondmentRow, SecondmentsRepository } from '@minhu/db';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import { covers } from './access.js';
import type { PeopleChanges } from './user-contexts.js';
import type { Viewer } from './viewer.js';

const DAY = 86_400_000;

const isUniqueViolation = (error: unknown) =>
  (error as { code?: string }).code === '23505' || (error as { cause?: { code?: string } }).cause?.code === '23505';

export const secondmentView = (s: SecondmentRow): Secondment => ({
  id: s.id,
  teamId: s.teamId,
  teamName: s.teamName,
  userId: s.userId,
  userName: s.userName,
  fromTeamId: s.fromTeamId,
  fromTeamName: s.fromTeamName,
  until: s.until.toISOString(),
  reason: s.reason,
  createdById: s.createdById,
  createdAt: s.createdAt.toISOString(),
  endedAt: s.endedAt?.toISOString() ?? null,
});

/**
 * 借调 ("将工作力量迅速向……倾斜"): a secretary lends a member of a quieter team to a busier one
 * until a time. Who may: an admin, or a secretary whose area covers both the receiving team and
 * the team the member comes from (the receiving team outside their area is 404, as it is for any
 * team; the member's team outside it, 403). While it runs the member is an active member of the
 * receiving team (its queue, its routing) and off duty for the routing of their own team; every
 * start and end is in the audit log; the sweep ends those whose time has come.
 */
export function createSecondmentsService(deps: {
  handle: DbHandle;
  org: Pick<OrgRepository, 'area'>;
  write: Pick<OrgWriteRepository, 'teamById' | 'membershipsOf' | 'audit'>;
  secondments: SecondmentsRepository;
  people: PeopleChanges;
}) {
  const { handle, org, write, secondments, people } = deps;

  /** The team, if it is active and the viewer oversees its area (else 404); and whether they do. */
  async function overseenTeam(viewer: Viewer, teamId: string) {
    const team = await write.teamById(teamId);
    const area = team ? await org.area(team.areaId) : null;
    if (!team || !area || !team.active || !covers(viewer, area.path)) throw notFound('服务队');
    return { team, area };
  }

  return {
    async start(viewer: Viewer, teamId: string, body: SecondmentBody, now: Date): Promise<Secondment> {
      const { team } = await overseenTeam(viewer, teamId);
      const until = new Date(body.until);
      if (!(until.getTime() > now.getTime()) || until.getTime() - now.getTime() > MAX_SECONDMENT_DAYS * DAY) {
        throw badRequest('INVALID_UNTIL', `借调截止时间须晚于现在，且不超过 ${MAX_SECONDMENT_DAYS} 天。`, { field: 'until' });
      }
      const active = (await write.membershipsOf([body.userId])).filter((m) => m.active);
      if (active.some((m) => m.teamId === team.id)) throw conflict('ALREADY_MEMBER', `此人已是“${team.name}”的队员。`);
      // Where they come from: their own general team (one a person; else the first category
      // team), not one they are seconded to already.
      const lentTo = new Set((await secondments.runningFor(body.userId)).map((r) => r.teamId));
      const own = active.filter((m) => !lentTo.has(m.teamId));
      const home = own.find((m) => m.general) ?? own[0];
      if (!home) throw badRequest('NOT_A_MEMBER', '只能借调服务队在队的队员。', { field: 'userId' });
      const homeTeam = await write.teamById(home.teamId);
      const homeArea = homeTeam ? await org.area(homeTeam.areaId) : null;
      if (!homeArea || !covers(viewer, homeArea.path)) {
        throw forbidden(`“${home.teamName}”不在您所管的区域，不能借调它的队员。`);
      }
      const reason = body.reason.trim();
      let id: string | null;
      try {
        id = await handle.db.transaction(async (tx) => {
          const started = await secondments.start(tx, { teamId: team.id, userId: body.userId, fromTeamId: home.teamId, until, reason, createdById: viewer.id }, now);
          if (started === null) return null;
          await write.audit(tx, [
            {
              actorId: viewer.id,
              at: now,
              entity: 'secondment',
              entityId: started,
              action: 'create',
              before: null,
              after: { teamId: team.id, userId: body.userId, fromTeamId: home.teamId, until: until.toISOString(), reason },
            },
          ]);
          return started;
        });
      } catch (error) {
        if (isUniqueViolation(error)) id = null;
        else throw error;
      }
      if (id === null) throw conflict('ALREADY_MEMBER', `此人已是“${team.name}”的队员。`);
      people.changed();
      return secondmentView((await secondments.byId(id))!);
    },

    async list(viewer: Viewer, teamId: string) {
      const team = await write.teamById(teamId);
      const area = team ? await org.area(team.areaId) : null;
      if (!team || !area || !(covers(viewer, area.path) || viewer.teams.some((t) => t.id === teamId))) throw notFound('服务队');
      return { items: (await secondments.running(teamId)).map(secondmentView) };
    },

    /** Ends it early: the member leaves the receiving team's queue and routing at once. */
    async end(viewer: Viewer, teamId: string, userId: string, now: Date): Promise<Secondment> {
      await overseenTeam(viewer, teamId);
      const running = await secondments.runningOf(teamId, userId);
      if (!running) throw notFound('借调');
      const [ended] = await handle.db.transaction((tx) => secondments.end(tx, { id: running.id, by: viewer.id }, now));
      // Ended a moment ago by someone else (or by the sweep).
      if (!ended) throw notFound('借调');
      people.changed();
      return secondmentView(ended);
    },

    /** The sweep's part: ends every secondment whose time has come, on any process, each once. */
    async endDue(now: Date): Promise<{ ended: number }> {
      const ended = await secondments.end(handle.db, { due: true }, now);
      if (ended.length > 0) people.changed();
      return { ended: ended.length };
    },
  };
}

export type SecondmentsService = ReturnType<typeof createSecondmentsService>;
