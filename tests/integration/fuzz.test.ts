import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BASE_PATH, endpoints, ERRORS, type Endpoint, type ErrorCode } from '@minhu/contracts';
import { AppError } from '../../apps/api/src/errors.js';
import { smallOrg } from '../support/factories.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

/**
 * Generated requests over every endpoint of the table, made from the endpoints' own schemas:
 * mostly well-formed ones (with real ids, so they reach the services and the database), each part
 * now and then replaced by something hostile (NUL, lone surrogates, numbers past any column's
 * range, wrong types, unknown fields, broken JSON and multipart bodies, over-long or badly
 * encoded path segments), sent as people of every role or nobody. Nothing may answer 5xx, and
 * every error must be in the contract's shape with a code whose status it has. (The harness
 * also fails the file when a route answers a code its entry does not list.) One app, one seed,
 * one pass: the requests are sampled up front and sent one after another.
 */
const RUNS = 5_000;
const SEED = 16;

type Json = Record<string, any>;
const plain = (schema: unknown): Json => JSON.parse(JSON.stringify(schema ?? {})) as Json;

/** Strings a hostile client would send anywhere text goes. */
const HOSTILE_TEXT = ['a\u0000b', '\u0000', 'x\uD800y', '\uDC00', '\uD83D', '', ' ', '%00', '../../etc/passwd', "'; DROP TABLE tickets; --", '药'.repeat(3000), '\u202E\u200B'];
/** Numbers past what any column or JSON number holds, as a query string carries them. */
const HOSTILE_NUMBERS = ['1e309', '-1e309', '9223372036854775808', '-9223372036854775809', '2147483648', 'NaN', 'Infinity', '0x10', '1.5', '-0', ''];
const HOSTILE_JSON: unknown[] = [null, true, 0, -1, 1.5, 9223372036854775808, 1e308, 'x', [], {}, [null], { a: 1 }];

function textArbitrary(schema: Json): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 50, 60);
  const min = schema.minLength ?? 0;
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.min(min, max), maxLength: max }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: Math.min(min, max), maxLength: max }) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  );
}

/** An arbitrary for a JSON schema; `ids` are real ids to put where a UUID goes. */
function arbitraryFor(schema: Json, ids: string[], hostile = 1): fc.Arbitrary<unknown> {
  const good = wellFormed(schema, ids);
  return fc.oneof({ weight: 12, arbitrary: good }, { weight: hostile, arbitrary: fc.constantFrom(...HOSTILE_JSON, ...HOSTILE_TEXT) });
}

function wellFormed(schema: Json, ids: string[]): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...(schema.anyOf as Json[]).map((s) => wellFormed(s, ids)));
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.uuid() });
      if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.pattern) return fc.oneof(fc.stringMatching(new RegExp(schema.pattern as string)), fc.constantFrom('13600000001', '13600000099', '0311-80000001'));
      return textArbitrary(schema);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -10);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1000);
      return fc.oneof(fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }), fc.constantFrom(min - 1, max + 1, 2 ** 53, -(2 ** 53)));
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFor(plain(schema.items), ids, 1), { maxLength: Math.min(schema.maxItems ?? 5, 5) + 1 });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set<string>((schema.required as string[] | undefined) ?? []);
      const fields = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryFor(v, ids)]));
      return fc
        .record(fields, { requiredKeys: [...required].filter((k) => k in fields) })
        .chain((value) =>
          fc.oneof(
            { weight: 8, arbitrary: fc.constant(value) },
            // A required field missing, or a field the contract does not have.
            { weight: 1, arbitrary: fc.constant(Object.fromEntries(Object.entries(value).slice(1))) },
            { weight: 1, arbitrary: fc.constant({ ...value, unexpected: 'x' }) },
          ),
        );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A query parameter as a client would write it. */
function queryValue(schema: Json, ids: string[]): fc.Arbitrary<string> {
  const good = wellFormed(schema, ids).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const numeric = schema.type === 'integer' || schema.type === 'number';
  return fc.oneof(
    { weight: 10, arbitrary: good },
    { weight: numeric ? 4 : 1, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  );
}

/** A path segment: a real or random id mostly, or something no router should choke on. */
function pathSegment(schema: Json, ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: wellFormed(schema, ids).map((v) => encodeURIComponent(String(v))) },
    { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%', '%00', '..', '%2e%2e', 'x'.repeat(150), '%F0%9F%98', 'null', '-1') },
    { weight: 1, arbitrary: textArbitrary({ maxLength: 40 }).map((v) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, ''))) },
  );
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** A multipart body: good, truncated, without a boundary, or not multipart at all. */
const multipart = fc.oneof(
  fc.constant({ contentType: 'multipart/form-data; boundary=B', payload: part(PNG) }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ contentType: 'multipart/form-data; boundary=B', payload: part(Buffer.from(bytes)) })),
  fc.integer({ min: 0, max: 120 }).map((cut) => ({ contentType: 'multipart/form-data; boundary=B', payload: part(PNG).subarray(0, cut) })),
  fc.constant({ contentType: 'multipart/form-data', payload: part(PNG) }),
  fc.constant({ contentType: 'multipart/form-data; boundary=B', payload: Buffer.from('--B--\r\n') }),
  fc.constant({ contentType: 'multipart/form-data; boundary=B', payload: Buffer.from('garbage') }),
  fc.constant({ contentType: 'application/json', payload: Buffer.from('{}') }),
  fc.constant({ contentType: 'text/plain', payload: Buffer.from('x') }),
);

function part(bytes: Buffer) {
  return Buffer.concat([
    Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
    bytes,
    Buffer.from('\r\n--B--\r\n'),
  ]);
}

/** A JSON body: the schema's, or broken JSON, or the wrong content type. */
function jsonBody(e: Endpoint, ids: string[]) {
  const good = arbitraryFor(plain(e.body), ids, 1).map((value) => ({ contentType: 'application/json', payload: JSON.stringify(value) as string | undefined }));
  return fc.oneof(
    { weight: 20, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '', 'null', '[', '{"description":"\\u0000"}', '{"x":"\\ud800"}').map((payload) => ({ contentType: 'application/json', payload: payload as string | undefined })) },
    { weight: 1, arbitrary: fc.constant({ contentType: 'text/plain', payload: 'hello' as string | undefined }) },
    { weight: 1, arbitrary: fc.constant({ contentType: 'application/json', payload: undefined as string | undefined }) },
  );
}

interface Generated {
  operationId: string;
  method: string;
  url: string;
  who: number;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

function requestFor(operationId: string, e: Endpoint, ids: string[], people: number): fc.Arbitrary<Generated> {
  const paramSchemas = plain(e.params).properties ?? {};
  const querySchemas = plain(e.query).properties ?? {};
  const params = fc.record(Object.fromEntries(Object.entries(paramSchemas).map(([k, v]) => [k, pathSegment(v as Json, ids)])));
  const query = fc.record(Object.fromEntries(Object.entries(querySchemas).map(([k, v]) => [k, queryValue(v as Json, ids)])), { requiredKeys: [] });
  const extraQuery = fc.option(fc.constantFrom('sort=due', 'limit=1e309', 'before=9223372036854775808', 'x=%00'), { freq: 8 });
  const headers = e.headers
    ? fc.option(fc.stringMatching(/^[!-~]{1,140}$/), { freq: 10 }).map((key) => (key === null ? {} : { 'idempotency-key': key }))
    : fc.constant({});
  const body = e.upload ? multipart.map((b) => ({ ...b, payload: b.payload as string | Buffer | undefined })) : e.body ? jsonBody(e, ids) : fc.constant(null);
  // -2: no token; -1: a garbage token; else one of the people.
  const who = fc.integer({ min: -2, max: people - 1 });
  return fc.record({ params, query, extraQuery, headers, body, who }).map(({ params, query, extraQuery, headers, body, who }) => {
    const path = e.path.replace(/:(\w+)/g, (_m, name: string) => (params as Record<string, string>)[name]!);
    const search = new URLSearchParams(query as Record<string, string>).toString();
    const qs = [search, extraQuery].filter(Boolean).join('&');
    return {
      operationId,
      method: e.method,
      url: `${API_BASE_PATH}${path}${qs ? `?${qs}` : ''}`,
      who,
      headers: { ...(headers as Record<string, string>), ...(body?.payload !== undefined ? { 'content-type': body.contentType } : {}) },
      ...(body?.payload !== undefined ? { payload: body.payload } : {}),
    };
  });
}

describe('generated requests over every endpoint', () => {
  let t: TestApp;
  let people: Client[];
  let ids: string[];

  beforeAll(async () => {
    // WeChat as it answers an unknown code (a code that works signs someone in, which is tested
    // in auth.test.ts); without one, the login would be 503 WECHAT_NOT_CONFIGURED throughout.
    const wechat = {
      code2session: async (code: string): Promise<never> => {
        throw new AppError(401, 'WECHAT_CODE_INVALID', '微信登录凭证无效或已使用，请重新登录。', { code: code.length });
      },
    };
    t = await startTestApp({ deps: { wechat } });
    const org = await smallOrg(t.make);
    const p = org.people;
    people = [];
    for (const who of [p.resident, p.otherResident, p.member, p.leader, p.secretary, p.subdistrictSecretary, p.admin]) people.push(await t.as(who));
    // Tickets in a few states, so actions reach the state machine.
    const [resident, , member] = people;
    for (const description of ['需要降压药', '帮忙买菜', '就医陪同']) {
      const filed = await resident!.file({ category: 'medicine', urgency: 'normal', description });
      if (description !== '需要降压药') await member!.post(`/api/v1/tickets/${filed.body.id}/claim`);
    }
    const rows = await t.handle.rows<{ id: string }>(
      sql`SELECT id::text FROM tickets UNION ALL SELECT id::text FROM teams UNION ALL SELECT id::text FROM areas UNION ALL SELECT id::text FROM users`,
    );
    ids = rows.map((r) => r.id);
  });
  afterAll(async () => t?.close());

  // About 30 s alone on PGlite; the limit is for a busy two-core machine running files side by side.
  it(`when ${RUNS} generated requests are sent, then none is answered 5xx and every error has the contract's shape`, async () => {
    const all = Object.entries(endpoints) as [string, Endpoint][];
    const requests = fc.sample(fc.oneof(...all.map(([id, e]) => requestFor(id, e, ids, people.length))), { seed: SEED, numRuns: RUNS });
    const failures: string[] = [];
    const covered = new Set<string>();
    const byStatus = new Map<number, number>();
    for (const r of requests) {
      covered.add(r.operationId);
      const authorization = r.who === -2 ? undefined : r.who === -1 ? 'Bearer not.a.token' : `Bearer ${await people[r.who]!.bearer()}`;
      const reply = await t.app.inject({
        method: r.method as 'GET',
        url: r.url,
        headers: { ...r.headers, ...(authorization ? { authorization } : {}) },
        ...(r.payload !== undefined ? { payload: r.payload } : {}),
      });
      byStatus.set(reply.statusCode, (byStatus.get(reply.statusCode) ?? 0) + 1);
      const problem = checkReply(reply.statusCode, reply.headers['content-type'], reply.body);
      if (problem) failures.push(`${r.method} ${r.url} as ${r.who} ${JSON.stringify(r.payload?.toString().slice(0, 200) ?? null)}: ${problem}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...covered].sort()).toEqual(all.map(([id]) => id).sort());
    // Not all refused: the generated requests reach the services, and some succeed.
    expect([...byStatus].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(RUNS / 20);
  });
});

/** Why a reply breaks the contract, or null. */
function checkReply(status: number, contentType: unknown, text: string): string | null {
  if (status >= 500) return `${status} ${text.slice(0, 300)}`;
  if (status < 400) return null;
  if (!String(contentType).startsWith('application/json')) return `${status} with ${String(contentType)}`;
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    return `${status} not JSON: ${text.slice(0, 200)}`;
  }
  const error = body.error as Json | undefined;
  if (!error || Object.keys(body).length !== 1) return `${status} not the error shape: ${text.slice(0, 200)}`;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
  if (typeof error.code !== 'string' || typeof error.message !== 'string' || !error.message || extra.length > 0) return `${status} not the error shape: ${text.slice(0, 200)}`;
  const known = ERRORS[error.code as ErrorCode] as readonly [number, string] | undefined;
  if (!known) return `${status} unknown code ${error.code}`;
  if (known[0] !== status) return `${status} but ${error.code} is ${known[0]}`;
  return null;
}
