import { describe, expect, it } from 'vitest';
import { endpoints, errorsOf, FIELD_LABELS, fieldLabel, isText, openApiDocument, routeTable, type Endpoint } from '@minhu/contracts';

const entries = Object.entries(endpoints) as [string, Endpoint][];

describe('the table of endpoints', () => {
  it('when a path has parameters, then its params schema declares exactly those', () => {
    for (const [id, e] of entries) {
      const inPath = [...e.path.matchAll(/:(\w+)/g)].map((m) => m[1]).sort();
      const declared = Object.keys((e.params?.properties as object | undefined) ?? {}).sort();
      expect(declared, id).toEqual(inPath);
    }
  });

  it('when two entries are compared, then no two share a method and path', () => {
    const keys = entries.map(([, e]) => `${e.method} ${e.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('when an endpoint needs a sign-in, then it lists the sign-in failures; a public one does not', () => {
    for (const [id, e] of entries) {
      expect(errorsOf(e).includes('UNAUTHORIZED'), id).toBe(!e.public);
    }
  });

  it('when the client asks for routes, then it gets each method and path and nothing else', () => {
    const table = routeTable();
    expect(Object.keys(table).sort()).toEqual(entries.map(([id]) => id).sort());
    expect(table.claimTicket).toEqual(['POST', '/tickets/:id/claim']);
    expect(JSON.stringify(table)).not.toContain('properties');
  });

  it('when the OpenAPI document is made, then every operation has its id, and the demo login only when it is on', () => {
    const ids = (doc: Record<string, any>) =>
      Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids(openApiDocument({ devLogin: true })).sort()).toEqual(entries.map(([id]) => id).sort());
    expect(ids(openApiDocument({ devLogin: false }))).not.toContain('devLogin');
  });
});

/** Every schema a request is checked against: path parameters, query, headers and body. */
function inputSchemas(): [string, unknown][] {
  return entries.flatMap(([id, e]) =>
    (['params', 'query', 'headers', 'body'] as const).flatMap((part) => (e[part] ? [[`${id}.${part}`, e[part]] as [string, unknown]] : [])),
  );
}

/** Each leaf of a JSON schema with its path. */
function* leaves(schema: unknown, path: string): Generator<[string, Record<string, unknown>]> {
  if (!schema || typeof schema !== 'object') return;
  const s = JSON.parse(JSON.stringify(schema)) as Record<string, any>;
  if (s.properties) for (const [k, v] of Object.entries(s.properties)) yield* leaves(v, `${path}.${k}`);
  if (s.items) yield* leaves(s.items, `${path}[]`);
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) yield* leaves(branch, path);
  if (!s.properties && !s.items && !s.anyOf && !s.oneOf) yield [path, s];
}

describe('what requests may carry', () => {
  it('when a request carries a string, then it is an id, a date, an enumeration, a pattern or the one text format', () => {
    const loose: string[] = [];
    for (const [where, schema] of inputSchemas()) {
      for (const [path, leaf] of leaves(schema, where)) {
        if (leaf.type !== 'string') continue;
        if (!(leaf.enum || leaf.pattern || ['uuid', 'date-time', 'date', 'text'].includes(leaf.format as string))) loose.push(path);
        if (leaf.format === 'text' && typeof leaf.maxLength !== 'number') loose.push(`${path} (no maxLength)`);
      }
    }
    expect(loose).toEqual([]);
  });

  it('when a request carries a number, then it is bounded both ways', () => {
    const unbounded: string[] = [];
    for (const [where, schema] of inputSchemas()) {
      for (const [path, leaf] of leaves(schema, where)) {
        if (leaf.type !== 'integer' && leaf.type !== 'number') continue;
        const low = typeof leaf.minimum === 'number' || typeof leaf.exclusiveMinimum === 'number';
        const high = typeof leaf.maximum === 'number' || typeof leaf.exclusiveMaximum === 'number';
        if (!low || !high) unbounded.push(path);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('when text is checked, then NUL and lone surrogates are refused and every real character accepted', () => {
    expect(isText('需要降压药 😀 a\tb\n')).toBe(true);
    expect(isText('a\u0000b')).toBe(false);
    expect(isText('a\uD800b')).toBe(false);
    expect(isText('\uDC00')).toBe(false);
    expect(isText('\uD83D\uDE00')).toBe(true);
  });
});

describe('field labels', () => {
  it('when a request carries a field, then it has a Chinese label for the messages', () => {
    const missing = new Set<string>();
    const walk = (s: any) => {
      if (!s || typeof s !== 'object') return;
      if (s.properties) for (const [k, v] of Object.entries(s.properties)) { if (!FIELD_LABELS[k]) missing.add(k); walk(v); }
      if (s.items) walk(s.items);
      for (const b of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(b);
    };
    for (const [, schema] of inputSchemas()) walk(JSON.parse(JSON.stringify(schema)));
    expect([...missing]).toEqual([]);
    expect(fieldLabel('items.0.quantity')).toBe('物品第 1 项的数量');
  });
});
