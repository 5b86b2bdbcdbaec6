import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerRepository, type LedgerRepository } from '@minhu/db';
import { createExportsService } from '../../apps/api/src/services/exports.service.js';
import { smallOrg, type SmallOrg } from '../support/factories.js';
import { parseCsv } from '../support/csv.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

const MIN = 60_000;
const DAY = 86_400_000;
const HEADERS = [
  '编号', '类别', '紧急程度', '状态', '地址', '服务队', '处理人', '提交时间', '签收时间', '办结时间', '完成时间',
  '签收用时(分钟)', '办结用时(分钟)', '是否超时', '评价星级', '是否满意', '延期至', '延期原因', '回访方式',
];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** China time as the ledger writes it, computed independently of the implementation. */
const chinaTime = (iso: string | Date) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));


/** The raw bytes of a GET, through app.inject (which collects the whole body: small files only). */
async function download(t: TestApp, who: Client, url: string) {
  const response = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await who.bearer()}` } });
  return { status: response.statusCode, headers: response.headers, bytes: response.rawPayload, json: () => response.json() };
}

const csvRows = async (t: TestApp, who: Client, query: string) => {
  const reply = await download(t, who, `/api/v1/exports/tickets.csv?${query}`);
  expect(reply.status, reply.bytes.toString()).toBe(200);
  const rows = parseCsv(reply.bytes.toString('utf8').replace(/^\uFEFF/, ''));
  expect(rows[0]).toEqual(HEADERS);
  return rows.slice(1);
};

/** XLSX cells back as the CSV writes them: dates as China wall-clock text, numbers as text. */
async function xlsxRows(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  const sheet = workbook.getWorksheet('台账')!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= HEADERS.length; i++) {
      const v = row.getCell(i).value;
      cells.push(v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : String(v));
    }
    rows.push(cells);
  });
  return { sheet, rows };
}

/** Every ticket a client's list shows, paging through it. */
async function listAll(who: Client, scope: string) {
  const items: { id: string; number: string; createdAt: string; teamId: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const { body }: { body: { items: typeof items; nextCursor: string | null } } = await who.get(`/api/v1/tickets?scope=${scope}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return items;
}

describe('ledger export (台账)', () => {
  let t: TestApp;
  let org: SmallOrg;
  let admin: Client, hpSecretary: Client, xfSecretary: Client, leader: Client, resident: Client;
  let t0: Date;
  let window: string;
  const made: Record<string, { id: string; number: string }> = {};

  beforeAll(async () => {
    t = await startTestApp();
    org = await smallOrg(t.make);
    const { people } = org;
    [admin, hpSecretary, xfSecretary, leader, resident] = [
      await t.as(people.admin),
      await t.as(people.otherCommunitySecretary), // of 和睦社区
      await t.as(people.secretary), // of 春晖社区
      await t.as(people.otherCompoundLeader), // leader of 和睦家园's team
      await t.as(people.resident),
    ];
    const filer = await t.as(people.otherCompoundResident); // 和睦家园
    const member = await t.as(people.otherCompoundMember); // 和睦家园's team
    // Something in the other community too, which the first secretary's ledger must leave out.
    await resident.file({ category: 'help', urgency: 'normal', description: '春晖小区的求助' });
    t0 = t.clock.now();
    window = `from=${new Date(t0.getTime() - 1000).toISOString()}&to=${new Date(t0.getTime() + DAY).toISOString()}`;
    const file = async (name: string, category = 'supplies') => {
      const { body } = await filer.file({ category, urgency: 'normal', description: name });
      made[name] = { id: body.id, number: body.number };
      return body.id as string;
    };
    const at = (minutes: number) => t.clock.advance(t0.getTime() + minutes * MIN - t.clock.now().getTime());
    const done = await file('done');
    const late = await file('late');
    await file('waiting');
    const cancelled = await file('cancelled', 'medicine');
    at(5);
    await filer.post(`/api/v1/tickets/${cancelled}/cancel`, { reason: '不要了' });
    at(10);
    await member.post(`/api/v1/tickets/${done}/claim`);
    at(60);
    await member.post(`/api/v1/tickets/${done}/resolve`, { text: '已送达' });
    at(70);
    await filer.post(`/api/v1/tickets/${done}/confirm`, { satisfied: true, rating: 5 });
    at(180);
    await member.post(`/api/v1/tickets/${late}/claim`); // the limit for supplies/normal is 120 minutes
    at(399);
    await file('fresh');
    at(400);
    // An address that a spreadsheet would take for a formula, with a comma, quotes and a line break.
    await t.handle.rows(sql`UPDATE tickets SET address = ${'=HYPERLINK("http://evil.example","点我"),2号\n楼'} WHERE id = ${made.fresh!.id}`);
  });
  afterAll(async () => t?.close());

  it('when a secretary exports CSV, then it is UTF-8 with a BOM, a Chinese file name and the header', async () => {
    const reply = await download(t, hpSecretary, `/api/v1/exports/tickets.csv?${window}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect([...reply.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const day = (d: Date) => chinaTime(d).slice(0, 10);
    const disposition = String(reply.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="minhu-ledger_[\d-]+_[\d-]+\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(`民呼我行台账_${day(t0)}_${day(new Date(t0.getTime() + DAY - 1))}.csv`);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.bytes.toString('utf8').split('\r\n')[0]).toBe('\uFEFF' + HEADERS.join(','));
  });

  it('when a ticket has been claimed, resolved and rated, then its line says so in China time and minutes', async () => {
    const rows = await csvRows(t, hpSecretary, window);
    const [team, member] = [org.teams.otherCompound.name, org.people.otherCompoundMember.name];
    const { body: ticket } = await admin.get(`/api/v1/tickets/${made.done!.id}`);
    const line = rows.find((r) => r[0] === made.done!.number);
    expect(line).toEqual([
      made.done!.number,
      '生活物资',
      '一般',
      '已完成',
      ticket.ticket.address,
      team,
      member,
      chinaTime(t0),
      chinaTime(new Date(t0.getTime() + 10 * MIN)),
      chinaTime(new Date(t0.getTime() + 60 * MIN)),
      chinaTime(new Date(t0.getTime() + 70 * MIN)),
      '10',
      '60',
      '否',
      '5',
      '是',
      // Never extended: 延期至 and 延期原因 empty.
      '',
      '',
      // Rated by the resident in the app.
      '本人评价',
    ]);
    expect(line![7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(line![7]!.slice(11)).toBe('10:00:00'); // 02:00 UTC is 10:00 in Beijing
    const byName = (name: string) => rows.find((r) => r[0] === made[name]!.number)!;
    // Claimed after 180 minutes against a 120-minute limit: overdue, though no longer open.
    expect(byName('late').slice(2, 14)).toEqual(['一般', '已签收', byName('late')[4], team, member, chinaTime(t0), chinaTime(new Date(t0.getTime() + 180 * MIN)), '', '', '180', '', '是']);
    // Nobody answers for 赵静's building: routing gave the team's one member every ticket by load,
    // so even those never claimed name him as 处理人.
    expect(byName('waiting').slice(3, 14)).toEqual(['待签收', byName('waiting')[4], team, member, chinaTime(t0), '', '', '', '', '', '是']);
    expect(byName('cancelled').slice(1, 16)).toEqual(['购药', '一般', '已取消', byName('cancelled')[4], team, member, chinaTime(t0), '', '', '', '', '', '否', '', '']);
    expect(byName('fresh')[13]).toBe('否'); // filed a minute ago
  });

  it('when a cell looks like a formula or holds commas, quotes or line breaks, then it is defused and quoted', async () => {
    const reply = await download(t, hpSecretary, `/api/v1/exports/tickets.csv?${window}`);
    const text = reply.bytes.toString('utf8');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""点我""),2号\n楼",`);
    const rows = parseCsv(text.slice(1));
    expect(rows.find((r) => r[0] === made.fresh!.number)![4]).toBe(`'=HYPERLINK("http://evil.example","点我"),2号\n楼`);
    expect(rows.every((r) => r.length === HEADERS.length)).toBe(true);
  });

  it('when different people export, then each gets exactly the tickets of their metrics scope and window', async () => {
    const wide = `from=${new Date(t0.getTime() - 90 * DAY).toISOString()}&to=${new Date(t0.getTime() + DAY).toISOString()}`;
    const from = t0.getTime() - 90 * DAY;
    const inWindow = <T extends { createdAt: string }>(items: T[]) => items.filter((i) => Date.parse(i.createdAt) >= from);
    const numbers = (rows: string[][]) => rows.map((r) => r[0]).sort();

    const hp = numbers(await csvRows(t, hpSecretary, wide));
    const hpListed = inWindow(await listAll(hpSecretary, 'area')).map((i) => i.number).sort();
    expect(hp).toEqual(hpListed);
    expect(hp).toEqual(expect.arrayContaining(Object.values(made).map((m) => m.number)));

    const xf = numbers(await csvRows(t, xfSecretary, wide));
    expect(xf).toEqual(inWindow(await listAll(xfSecretary, 'area')).map((i) => i.number).sort());
    expect(xf.length).toBeGreaterThan(0);
    expect(xf.filter((n) => hp.includes(n))).toEqual([]);

    const all = numbers(await csvRows(t, admin, wide));
    const [count] = await t.handle.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM tickets WHERE created_at >= ${new Date(from).toISOString()}::timestamptz`,
    );
    expect(all).toHaveLength(count!.n);
    expect(all).toEqual(expect.arrayContaining([...hp, ...xf]));

    // The leader: the team's tickets; the same as the secretary narrowing to the team or the compound.
    const hpyTeam = org.teams.otherCompound.id;
    const teamNumbers = inWindow(await listAll(admin, 'area')).filter((i) => i.teamId === hpyTeam).map((i) => i.number).sort();
    expect(numbers(await csvRows(t, leader, wide))).toEqual(teamNumbers);
    expect(numbers(await csvRows(t, hpSecretary, `${wide}&teamId=${hpyTeam}`))).toEqual(teamNumbers);
    const compound = org.areas.otherCompound;
    const inCompound = await t.handle.rows<{ number: string }>(
      sql`SELECT number FROM tickets WHERE compound_id = ${compound.id} AND created_at >= ${new Date(from).toISOString()}::timestamptz ORDER BY number`,
    );
    expect(numbers(await csvRows(t, hpSecretary, `${wide}&areaId=${compound.id}`))).toEqual(inCompound.map((r) => r.number).sort());

    // The window: only what was filed in [from, to), in filing order.
    const narrow = await csvRows(t, hpSecretary, window);
    expect(narrow.map((r) => r[0]).sort()).toEqual(Object.values(made).map((m) => m.number).sort());
    expect(narrow.map((r) => r[7])).toEqual([...narrow.map((r) => r[7]!)].sort());
    expect(await csvRows(t, hpSecretary, `from=${new Date(t0.getTime() + 400 * MIN).toISOString()}&to=${new Date(t0.getTime() + DAY).toISOString()}`)).toEqual([]);
  });

  it('when exported as XLSX, then the workbook reads back with the same rows, a frozen header and widths', async () => {
    const reply = await download(t, hpSecretary, `/api/v1/exports/tickets.xlsx?${window}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(XLSX_TYPE);
    expect(decodeURIComponent(String(reply.headers['content-disposition']).split("UTF-8''")[1]!)).toMatch(/^民呼我行台账_.+\.xlsx$/);
    const { sheet, rows } = await xlsxRows(reply.bytes);
    const csv = await csvRows(t, hpSecretary, window);
    expect(rows[0]).toEqual(HEADERS);
    // The same rows; only the CSV's formula guard (a leading apostrophe) differs: XLSX cells are text, never formulas.
    expect(rows.slice(1)).toEqual(csv.map((r) => r.map((c) => c.replace(/^'(?=[=+\-@])/, ''))));
    const rowOf = (name: string) => sheet.getRow(rows.findIndex((r) => r[0] === made[name]!.number) + 1);
    expect(rowOf('fresh').getCell(5).type).toBe(ExcelJS.ValueType.String);
    expect(rowOf('done').getCell(12).type).toBe(ExcelJS.ValueType.Number);
    expect(rowOf('done').getCell(8).type).toBe(ExcelJS.ValueType.Date);
    expect(rowOf('done').getCell(8).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(5).width).toBeGreaterThanOrEqual(30);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  });

  it('refuses bad windows and scopes exactly as the metrics do, in the error shape, before any file', async () => {
    const expectError = async (who: Client, query: string, status: number, code: string) => {
      for (const format of ['csv', 'xlsx']) {
        const reply = await download(t, who, `/api/v1/exports/tickets.${format}?${query}`);
        expect(reply.status, `${format}?${query}`).toBe(status);
        expect(reply.headers['content-type']).toMatch(/^application\/json/);
        expect(reply.headers['content-disposition']).toBeUndefined();
        expect(reply.json().error.code).toBe(code);
        const metrics = await who.get(`/api/v1/metrics/summary?${query}`);
        expect([metrics.status, metrics.body.error?.code]).toEqual([status, code]);
      }
    };
    await expectError(hpSecretary, 'from=2026-11-28T00:00:00Z&to=2026-11-01T00:00:00Z', 400, 'INVALID_WINDOW');
    await expectError(hpSecretary, 'from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'INVALID_WINDOW');
    await expectError(hpSecretary, 'from=yesterday', 400, 'VALIDATION_ERROR');
    await expectError(hpSecretary, 'format=pdf', 400, 'VALIDATION_ERROR');
    await expectError(hpSecretary, `areaId=${org.areas.community.id}`, 404, 'NOT_FOUND');
    await expectError(hpSecretary, `teamId=${org.teams.compound.id}`, 404, 'NOT_FOUND');
    await expectError(leader, `teamId=${org.teams.compound.id}`, 404, 'NOT_FOUND');
    await expectError(resident, '', 403, 'FORBIDDEN');
    await expectError(await t.as(org.people.otherCompoundMember), '', 403, 'FORBIDDEN');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/exports/tickets.csv' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('when the scope holds more rows than the limit, then it refuses with 400 EXPORT_TOO_LARGE before sending anything', async () => {
    const original = t.app.services.exports;
    const withLimit = (maxRows: number) =>
      createExportsService({ ledger: createLedgerRepository(t.handle), metrics: t.app.services.metrics, maxRows });
    try {
      t.app.services.exports = withLimit(Object.keys(made).length - 1);
      for (const format of ['csv', 'xlsx']) {
        const reply = await download(t, hpSecretary, `/api/v1/exports/tickets.${format}?${window}`);
        expect(reply.status).toBe(400);
        expect(reply.headers['content-disposition']).toBeUndefined();
        expect(reply.json()).toEqual({
          error: { code: 'EXPORT_TOO_LARGE', message: expect.stringContaining('请缩短时间范围'), details: { limit: Object.keys(made).length - 1 } },
        });
      }
      t.app.services.exports = withLimit(Object.keys(made).length);
      expect(await csvRows(t, hpSecretary, window)).toHaveLength(Object.keys(made).length);
    } finally {
      t.app.services.exports = original;
    }
  });

  it('when reading fails after the first bytes, then the response is aborted (not a truncated file) and the failure logged', async () => {
    const ledger = createLedgerRepository(t.handle);
    const failing: LedgerRepository = {
      ...ledger,
      async *batches(w, options) {
        let n = 0;
        for await (const batch of ledger.batches(w, options)) {
          if (n++ === 1) throw new Error('connection lost');
          yield batch;
        }
      },
    };
    const logged: object[] = [];
    const service = createExportsService({ ledger: failing, metrics: t.app.services.metrics, batchSize: 1 });
    const original = t.app.services.exports;
    t.app.services.exports = service;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const format of ['csv', 'xlsx']) {
        // The status line went out with the first bytes (or the connection is cut before even
        // those left): either way the client sees a broken download, never a complete-looking file.
        const reply = await fetchOverHttp(t, hpSecretary, `/api/v1/exports/tickets.${format}?${window}`);
        expect([0, 200]).toContain(reply.status);
        expect(reply.complete).toBe(false);
        if (format === 'xlsx') await expect(new ExcelJS.Workbook().xlsx.load(reply.body as never)).rejects.toThrow();
      }
      // Straight from the service: the stream errors and the log says what happened.
      const viewer = await t.app.services.viewerOf(hpSecretary.userId);
      const query = Object.fromEntries(new URLSearchParams(window));
      const file = await service.csv(viewer, query, t.clock.now(), { error: (details) => logged.push(details) });
      await expect((async () => {
        for await (const chunk of file.stream) void chunk;
      })()).rejects.toThrow('connection lost');
      expect(logged).toEqual([expect.objectContaining({ format: 'csv', rowsWritten: 1, err: expect.any(Error) })]);
    } finally {
      t.app.services.exports = original;
    }
  });
});

/** A real HTTP download (app.inject cannot show an aborted response). */
async function fetchOverHttp(t: TestApp, who: Client, path: string, onChunk?: (chunk: Buffer) => void) {
  const { port } = t.app.server.address() as AddressInfo;
  const token = await who.bearer();
  return new Promise<{ status: number; headers: Record<string, unknown>; complete: boolean; body: Buffer; bytes: number }>((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (onChunk) onChunk(chunk);
        else chunks.push(chunk);
      });
      res.on('error', () => {});
      res.on('close', () =>
        resolve({ status: res.statusCode!, headers: res.headers, complete: res.complete, body: Buffer.concat(chunks), bytes }),
      );
    });
    // The connection closed before a response: status 0.
    req.on('error', () => resolve({ status: 0, headers: {}, complete: false, body: Buffer.alloc(0), bytes: 0 }));
    req.end();
  });
}

/** Each entry's uncompressed size, from a zip's central directory. */
function zipEntrySizes(zip: Buffer): Map<string, number> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const sizes = new Map<string, number>();
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    sizes.set(zip.toString('utf8', at + 46, at + 46 + nameLength), zip.readUInt32LE(at + 24));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return sizes;
}

/** A full garbage collection, so heap figures show what is really kept. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('ledger export at scale', () => {
  // 20,000 rows (80 batches) on both databases: enough that keeping the file would show far above
  // one batch's memory. 100,000 on PostgreSQL cost the suite 25 s and showed nothing more.
  const ROWS = 20_000;
  // Batches small against the file, so that keeping the file would show far above one batch's memory.
  const BATCH = 250;
  const base = new Date('2026-06-01T00:00:00.000Z');
  const query = `from=${base.toISOString()}&to=${new Date(base.getTime() + 7 * DAY).toISOString()}`;
  let t: TestApp;
  let people: SmallOrg['people'];

  beforeAll(async () => {
    t = await startTestApp();
    ({ people } = await smallOrg(t.make));
    // One ticket of 和睦家园's team, the pattern of the bulk.
    const { body: template } = await (await t.as(people.otherCompoundResident)).file({ category: 'help', urgency: 'normal', description: '模板' });
    const assignee = people.otherCompoundMember.id;
    // Filed every 5 seconds from `base`, most of them claimed, resolved, closed and rated.
    const started = performance.now();
    await t.handle.rows(sql`
      INSERT INTO tickets (id, number, category, urgency, requested_urgency, status, description, area_id, compound_id, address,
        team_id, assignee_id, filed_by_id, route_reason, created_at, claimed_at, resolved_at, closed_at,
        response_due_at, resolve_due_at, claim_limit_seconds, resolve_limit_seconds, rating_stars, rating_satisfied)
      SELECT gen_random_uuid(), 'BULK-' || lpad(i::text, 7, '0'), (ARRAY['medicine', 'supplies', 'medical', 'help'])[1 + i % 4],
        'normal', 'normal', 'closed', '批量', s.area_id, s.compound_id, s.address, s.team_id, ${assignee}::uuid, s.filed_by_id,
        s.route_reason, c, c + interval '10 minutes', c + interval '1 hour', c + interval '2 hours',
        c + interval '2 hours', c + interval '2 days', 7200, 172800, 1 + i % 5, i % 5 <> 0
      FROM generate_series(1, ${ROWS}) AS i
      CROSS JOIN LATERAL (SELECT ${base.toISOString()}::timestamptz + i * interval '5 seconds' AS c) AS tm
      CROSS JOIN (SELECT * FROM tickets WHERE id = ${template.id}) AS s`);
    await t.handle.rows(sql`ANALYZE tickets`);
    console.info(`inserted ${ROWS} tickets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    t.app.services.exports = createExportsService({ ledger: createLedgerRepository(t.handle), metrics: t.app.services.metrics, batchSize: BATCH });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  /**
   * Downloads as it comes, keeping nothing; after every half megabyte, full GCs and a look at what is
   * still held: the JS heap plus Buffers and ArrayBuffers (where stream buffers would pile up).
   */
  async function measure(who: Client, path: string, onChunk: (chunk: Buffer) => void) {
    const held = () => {
      gc();
      gc(); // the second one also returns what the first left to finalise (Buffers' memory)
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = held();
    let peak = before;
    let peakRss = process.memoryUsage.rss();
    let sinceSample = 0;
    const started = performance.now();
    const reply = await fetchOverHttp(t, who, path, (chunk) => {
      onChunk(chunk);
      sinceSample += chunk.length;
      if (sinceSample >= 1 << 19) {
        sinceSample = 0;
        peak = Math.max(peak, held());
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const growth = peak - before;
    console.info(
      `${path.split('?')[0]}: ${ROWS} rows, ${(reply.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s, ` +
        `batches of ${BATCH}); most held at once (heap + buffers, after GC) ${(growth / 1e6).toFixed(1)} MB above the start; peak RSS ${(peakRss / 1e6).toFixed(0)} MB`,
    );
    return { reply, growth };
  }

  it(`when ${ROWS.toLocaleString('en-US')} rows are exported as CSV, then they stream in order without being held in memory`, async () => {
    const secretary = await t.as(people.otherCommunitySecretary);
    let carry = '';
    let lines = 0;
    let expected = 1;
    let disorder = 0;
    const decoder = new TextDecoder();
    const { reply, growth } = await measure(secretary, `/api/v1/exports/tickets.csv?${query}`, (chunk) => {
      const parts = (carry + decoder.decode(chunk, { stream: true })).split('\r\n');
      carry = parts.pop()!;
      for (const line of parts) {
        lines++;
        if (lines === 1) continue;
        if (line.slice(0, 12) !== `BULK-${String(expected).padStart(7, '0')}`) disorder++;
        expected++;
      }
    });
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(true);
    expect(carry).toBe('');
    expect(lines).toBe(ROWS + 1);
    expect(disorder).toBe(0); // every ticket once, in filing order, across all batches
    // A batch's working set is about a megabyte whatever the size: a quarter of the 23 MB file on
    // PostgreSQL; on PGlite's 4.6 MB file, half.
    expect(growth).toBeLessThan(reply.bytes / (process.env.TEST_DB === 'postgres' ? 4 : 2));
  });

  it('when the download is closed early, then the export stops reading', async () => {
    // On the service's stream, which Fastify destroys when the client goes away (over loopback
    // the kernel's socket buffers would first swallow several megabytes).
    const ledger = createLedgerRepository(t.handle);
    let batches = 0;
    // Settles when the export lets go of its reading (the generator is returned or thrown out of).
    let stopped: Promise<void> = Promise.resolve();
    const counting: LedgerRepository = {
      ...ledger,
      batches(w, options) {
        let done!: () => void;
        stopped = new Promise((resolve) => (done = resolve));
        return (async function* () {
          try {
            for await (const batch of ledger.batches(w, options)) {
              batches++;
              yield batch;
            }
          } finally {
            done();
          }
        })();
      },
    };
    const service = createExportsService({ ledger: counting, metrics: t.app.services.metrics, batchSize: BATCH });
    const secretary = await t.as(people.otherCommunitySecretary);
    const viewer = await t.app.services.viewerOf(secretary.userId);
    for (const format of ['csv', 'xlsx'] as const) {
      batches = 0;
      const file = await service[format](viewer, Object.fromEntries(new URLSearchParams(query)), t.clock.now(), { error: () => {} });
      let received = 0;
      for await (const chunk of file.stream) {
        received += (chunk as Buffer).length;
        if (received > 64 * 1024) break; // destroys the stream
      }
      // The reading stops (it would otherwise go on through all 20,000 rows), having read only
      // the few batches the download had room for.
      await stopped;
      expect(batches, format).toBeLessThan(10);
    }
  });

  it(`when ${ROWS.toLocaleString('en-US')} rows are exported as XLSX, then the workbook streams out whole`, async () => {
    const admin = await t.as(people.admin);
    // To a file, not to memory: what is held is then the server's.
    const path = join(mkdtempSync(join(tmpdir(), 'minhu-ledger-')), 'ledger.xlsx');
    const fd = openSync(path, 'w');
    const { reply, growth } = await measure(admin, `/api/v1/exports/tickets.xlsx?${query}`, (chunk) => writeSync(fd, chunk));
    closeSync(fd);
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(true);
    // What would pile up is the sheet's XML, many times the compressed file.
    const sheetXml = zipEntrySizes(readFileSync(path)).get('xl/worksheets/sheet1.xml')!;
    console.info(`the sheet's XML: ${(sheetXml / 1e6).toFixed(1)} MB`);
    expect(growth).toBeLessThan(sheetXml / 4);
    let rows = 0;
    let last = '';
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(createReadStream(path), { sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit' });
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        rows++;
        last = String(row.getCell(1).value);
      }
    }
    expect(rows).toBe(ROWS + 1);
    expect(last).toBe(`BULK-${String(ROWS).padStart(7, '0')}`);
  });
});
