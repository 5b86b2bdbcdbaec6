import { describe, expect, it } from 'vitest';
import { endpoints, errorsOf, openApiDocument, routeTable, type Endpoint } from '@minhu/contracts';

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
