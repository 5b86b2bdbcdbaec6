import { maskPhone, notifyByOf, type NotifyBy, type SpecialTag } from '@minhu/domain';
import type { PeopleList, PeopleQuery, Person } from '@minhu/contracts';
import type { OrgRepository, PeopleRepository, RegisterPerson } from '@minhu/db';
import { forbidden, notFound } from '../errors.js';
import { seesPerson, seesPhoneOf, verifiesTags, type Access, type PeopleScope } from './access.js';
import { decodeCursor, encodeCursor, UUID } from './cursor.js';
import type { PeopleChanges } from './user-contexts.js';
import type { Viewer } from './viewer.js';

/**
 * The people register (人员台账): who lives where, their special tags and who looks after them,
 * for the teams that serve them and the secretaries over them. Someone outside a person's scope
 * gets 404 for them, as if they did not exist.
 */
export function createPeopleService(deps: {
  people: PeopleRepository;
  org: Pick<OrgRepository, 'area'>;
  access: Pick<Access, 'peopleScope'>;
  signedIn: PeopleChanges;
}) {
  const { people, org, access, signedIn } = deps;

  function shown(viewer: Viewer, scope: PeopleScope, p: RegisterPerson): Person {
    return {
      id: p.id,
      name: p.name,
      phone: seesPhoneOf(viewer, scope, p) ? p.phone : maskPhone(p.phone),
      areaId: p.homeAreaId,
      address: p.address,
      specialTags: p.specialTags,
      tagsVerified: p.tagsVerified,
      homeVerified: p.homeVerified,
      pendingTags: p.pendingTags,
      hasApp: p.hasApp,
      notifyBy: notifyByOf(p),
      responsibleMemberId: p.responsibleMemberId,
      responsibleMemberName: p.responsibleMemberName,
      openTickets: p.openTickets,
      lastContactAt: p.lastContactAt?.toISOString() ?? null,
    };
  }

  /** The person, if the viewer's scope holds them; otherwise 404. */
  async function visiblePerson(viewer: Viewer, scope: PeopleScope, id: string) {
    const person = UUID.test(id) ? await people.byId(id) : null;
    if (!person || !seesPerson(scope, person.homePath)) throw notFound('人员');
    return person;
  }

  return {
    async list(viewer: Viewer, query: PeopleQuery): Promise<PeopleList> {
      const scope = await access.peopleScope(viewer);
      if (scope.paths?.length === 0) throw forbidden('只有服务队队员、队长、书记和管理员可以查看人员台账。');
      let paths = scope.paths;
      if (query.areaId) {
        const area = await org.area(query.areaId);
        if (!area || !seesPerson(scope, area.path)) throw notFound('区域');
        paths = [area.path];
      }
      const limit = query.limit ?? 20;
      const rows = await people.list({
        paths,
        tag: query.tag,
        tagged: query.tagged,
        q: query.q,
        limit: limit + 1,
        after: query.cursor ? decodePeopleCursor(query.cursor) : undefined,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((p) => shown(viewer, scope, p)),
        nextCursor: rows.length > limit && last ? encodeCursor([last.homePath, last.id]) : null,
      };
    },

    /** Verified tags, set by a leader over the person, a secretary over them, or an admin. */
    async setTags(viewer: Viewer, id: string, body: { specialTags: SpecialTag[]; note?: string }, now: Date): Promise<Person> {
      const scope = await access.peopleScope(viewer);
      const person = await visiblePerson(viewer, scope, id);
      if (!verifiesTags(scope, person.homePath)) throw forbidden('只有队长、书记和管理员可以核实重点人员类别。');
      await people.setTags(person, body.specialTags, { actorId: viewer.id, note: body.note?.trim() || null }, now);
      signedIn.changed();
      return shown(viewer, scope, (await people.byId(person.id))!);
    },

    /**
     * A home the resident set themself, confirmed (核实住址) by a leader over it, a secretary over
     * it or an admin: until then the resident sees only their team's name, no member's phone.
     */
    async verifyHome(viewer: Viewer, id: string, body: { note?: string }, now: Date): Promise<Person> {
      const scope = await access.peopleScope(viewer);
      const person = await visiblePerson(viewer, scope, id);
      if (!verifiesTags(scope, person.homePath)) throw forbidden('只有队长、书记和管理员可以核实住址。');
      if (!person.homeVerified) {
        await people.verifyHome(person, { actorId: viewer.id, note: body.note?.trim() || null }, now);
        signedIn.changed();
      }
      return shown(viewer, scope, (await people.byId(person.id))!);
    },

    /**
     * How the person is told of their tickets' progress (a text message, a member's call, the app,
     * or nobody can be: a visit), set by their 包保 member, the leader over them, a secretary over
     * them or an admin: the people who know how this neighbour can be reached.
     */
    async setNotifyBy(viewer: Viewer, id: string, notifyBy: NotifyBy, now: Date): Promise<Person> {
      const scope = await access.peopleScope(viewer);
      const person = await visiblePerson(viewer, scope, id);
      if (!verifiesTags(scope, person.homePath) && person.responsibleMemberId !== viewer.id) {
        throw forbidden('只有包保队员、队长、书记和管理员可以设置通知方式。');
      }
      await people.setNotifyBy(person, notifyBy, viewer.id, now);
      return shown(viewer, scope, (await people.byId(person.id))!);
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;

const decodePeopleCursor = (cursor: string) =>
  decodeCursor(cursor, ([path, id]) =>
    typeof path === 'string' && /^(\/[0-9a-f-]{36})+\/$/i.test(path) && typeof id === 'string' && UUID.test(id) ? { path, id } : null,
  );
