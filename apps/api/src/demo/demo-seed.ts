import { readdirSync, readFileSync } from 'node:fs';
import { createOrgRepository, createOrgWriteRepository, exclusively, type DbHandle } from '@minhu/db';
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

// Any fixed number: the key of the advisory lock that lets one of several processes seed.
const SEED_LOCK_KEY = 72_110_002;

/** Loads the demo data when the database has no areas yet. Returns whether it did. */
export async function seedDemoIfEmpty(handle: DbHandle, services: Services, now = new Date()): Promise<boolean> {
  // Several processes may start at once on one PostgreSQL: one seeds, the others see it done.
  // The importer's transaction becomes a savepoint of this one: the lock is held until it is in.
  const seeded = await exclusively(handle, SEED_LOCK_KEY, async (inside) => {
    const org = createOrgWriteRepository(inside);
    if (await org.hasAreas()) return false;
    const files = readdirSync(ORG_DIR)
      .filter((name) => name.endsWith('.csv'))
      .map((name) => ({ name, bytes: readFileSync(new URL(name, ORG_DIR)) }));
    const setUpAt = new Date(now.getTime() - SET_UP_DAYS_AGO * 86_400_000);
    const report = await importOrganisation({ handle: inside, org }, files, { dryRun: false, actorId: null, now: setUpAt });
    if (report.problems.length > 0) fail(`the organisation files have problems: ${JSON.stringify(report.problems, null, 2)}`);
    return true;
  });
  if (seeded) {
    const demo = lookups(handle);
    await markAway(services, demo, now);
    await seedTickets(services, demo, now);
  }
  return seeded;
}

/** The demo's people by phone, areas and teams by code, and who a person is to the services. */
function lookups(handle: DbHandle) {
  const org = createOrgRepository(handle);
  const write = createOrgWriteRepository(handle);
  const one = async <T>(found: Promise<T[]>, what: string) => (await found)[0] ?? fail(`unknown ${what}`);
  const person = async (phone: string) => (await one(write.peopleBy('phone', [phone]), `person ${phone}`)).id;
  return {
    person,
    area: async (code: string) => (await one(write.areasByCode([code]), `area ${code}`)).id,
    team: async (code: string) => (await one(write.teamsByCode([code]), `team ${code}`)).id,
    viewer: async (phone: string) => (await org.userContext(await person(phone)))!,
  };
}
type Lookups = ReturnType<typeof lookups>;

async function markAway(services: Services, demo: Lookups, now: Date) {
  const change = { availability: 'unavailable' as const, backupMemberId: await demo.person(AWAY.backup), availabilityNote: AWAY.note };
  await services.orgAdmin.updateMember(await demo.viewer(AWAY.member), await demo.team(AWAY.team), await demo.person(AWAY.member), change, now);
}

async function seedTickets(services: Services, demo: Lookups, now: Date) {
  for (const [index, seed] of DEMO_TICKETS.entries()) {
    const filedAt = new Date(now.getTime() - seed.minutesAgo * 60_000);
    const { area, beneficiary, ...rest } = seed.body;
    const body: CreateTicketBody = {
      ...rest,
      ...(area ? { areaId: await demo.area(area) } : {}),
      ...(beneficiary
        ? { beneficiary: { name: beneficiary.name, areaId: await demo.area(beneficiary.area), ...(beneficiary.phone ? { phone: beneficiary.phone } : {}) } }
        : {}),
    };
    const { ticket } = await services.tickets.create(await demo.viewer(seed.filer), body, `demo-${index}`, filedAt);
    for (const [minutes, actor, input] of seed.steps ?? []) {
      await services.tickets.act(await demo.viewer(actor), ticket.id, input, undefined, new Date(filedAt.getTime() + minutes * 60_000));
    }
  }
}

function fail(message: string): never {
  throw new Error(`demo seed: ${message}`);
}
