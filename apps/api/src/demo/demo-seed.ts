import { readdirSync, readFileSync } from 'node:fs';
import { sql, type SQL } from 'drizzle-orm';
import { createOrgRepository, createOrgWriteRepository, type Database, type DbHandle, type Executor } from '@minhu/db';
import type { CreateTicketBody } from '@minhu/contracts';
import type { Services } from '../services/create-services.js';
import { importOrganisation } from '../org-import/importer.js';
import { DEMO_TICKETS } from './demo-tickets.js';

/**
 * The demo: one subdistrict of 新华区 with two communities and a village, compounds of every kind,
 * a service team per compound, members responsible for buildings and special people, residents,
 * and tickets in every status with realistic timelines.
 *
 * Its organisation is a ledger in the importer's own format (org/*.csv, one file per sheet),
 * loaded by the importer exactly as `npm run org:import -- apps/api/src/demo/org/*.csv` would.
 */
const ORG_DIR = new URL('./org/', import.meta.url);

/** The ledger's date: a week before now, so that the people were there before their tickets. */
const SET_UP_DAYS_AGO = 7;

/**
 * Who is away this week. Availability is a member's state, not the ledger's (the importer has no
 * column for it): set after the import, by the member themself, through the same service the
 * mini-program uses. 宋晓东 is still on the team; 赵文博 takes his building 5 meanwhile.
 */
const AWAY = { team: 'XFL-TEAM', member: '13900000031', backup: '13900000012', note: '居家隔离至 12 月 3 日' };

/** Loads the demo data when the database has no areas yet. Returns whether it did. */
export async function seedDemoIfEmpty(handle: DbHandle, services: Services, now = new Date()): Promise<boolean> {
  const seeded = await handle.db.transaction(async (tx) => {
    // Several processes may start at once on one PostgreSQL: one seeds, the others see it done.
    if (handle.kind === 'postgres') await tx.execute(sql`SELECT pg_advisory_xact_lock(72110002)`);
    const [row] = await handle.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas`, tx);
    if (row!.n > 0) return false;
    // The importer's transaction becomes a savepoint of this one: the lock is held until it is in.
    const within: DbHandle = { ...handle, db: tx as Database, rows: <T>(query: SQL, executor: Executor = tx) => handle.rows<T>(query, executor) };
    const files = readdirSync(ORG_DIR)
      .filter((name) => name.endsWith('.csv'))
      .map((name) => ({ name, bytes: readFileSync(new URL(name, ORG_DIR)) }));
    const setUpAt = new Date(now.getTime() - SET_UP_DAYS_AGO * 86_400_000);
    const report = await importOrganisation({ handle: within, org: createOrgWriteRepository(within) }, files, { dryRun: false, actorId: null, now: setUpAt });
    if (report.problems.length > 0) fail(`the organisation files have problems: ${JSON.stringify(report.problems, null, 2)}`);
    return true;
  });
  if (seeded) {
    const people = await demoPeople(handle);
    await markAway(handle, services, people, now);
    await seedTickets(handle, services, people, now);
  }
  return seeded;
}

/** The demo's people by phone, and who each is to the services. */
async function demoPeople(handle: DbHandle) {
  const ids = new Map<string, string>();
  for (const p of await handle.rows<{ id: string; phone: string }>(sql`SELECT id, phone FROM users WHERE phone IS NOT NULL`)) ids.set(p.phone, p.id);
  const org = createOrgRepository(handle);
  const id = (phone: string) => ids.get(phone) ?? fail(`unknown person ${phone}`);
  return { id, viewer: async (phone: string) => (await org.userContext(id(phone)))! };
}
type DemoPeople = Awaited<ReturnType<typeof demoPeople>>;

async function markAway(handle: DbHandle, services: Services, people: DemoPeople, now: Date) {
  const [team] = await handle.rows<{ id: string }>(sql`SELECT id FROM teams WHERE code = ${AWAY.team}`);
  const change = { availability: 'unavailable' as const, backupMemberId: people.id(AWAY.backup), availabilityNote: AWAY.note };
  await services.orgAdmin.updateMember(await people.viewer(AWAY.member), team!.id, people.id(AWAY.member), change, now);
}

async function seedTickets(handle: DbHandle, services: Services, people: DemoPeople, now: Date) {
  const codes = new Map<string, string>();
  for (const a of await handle.rows<{ id: string; code: string }>(sql`SELECT id, code FROM areas`)) codes.set(a.code, a.id);

  for (const [index, seed] of DEMO_TICKETS.entries()) {
    const filedAt = new Date(now.getTime() - seed.minutesAgo * 60_000);
    const { area, beneficiary, ...rest } = seed.body;
    const body: CreateTicketBody = {
      ...rest,
      ...(area ? { areaId: codes.get(area)! } : {}),
      ...(beneficiary
        ? { beneficiary: { name: beneficiary.name, areaId: codes.get(beneficiary.area)!, ...(beneficiary.phone ? { phone: beneficiary.phone } : {}) } }
        : {}),
    };
    const { ticket } = await services.tickets.create(await people.viewer(seed.filer), body, `demo-${index}`, filedAt);
    for (const [minutes, actor, input] of seed.steps ?? []) {
      await services.tickets.act(await people.viewer(actor), ticket.id, input, undefined, new Date(filedAt.getTime() + minutes * 60_000));
    }
  }
}

function fail(message: string): never {
  throw new Error(`demo seed: ${message}`);
}
