import fastJson from 'fast-json-stringify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { DateTime, Id, Nullable } from '@minhu/contracts';
import { nullableAsTypeList, replySerializer } from '../../apps/api/src/plugins/serializer.js';

const Reply = Type.Object({
  id: Id,
  teamId: Nullable(Id),
  dueAt: Nullable(DateTime),
  rating: Nullable(Type.Integer()),
  team: Nullable(Type.Object({ name: Type.String(), phone: Nullable(Type.String()) })),
  items: Type.Array(Type.Object({ unit: Nullable(Type.String()) })),
  either: Type.Union([Type.String(), Type.Integer()]),
});

describe('the reply serialiser', () => {
  it('turns "X or null" into a type list, at any depth, and leaves other unions alone', () => {
    const converted = nullableAsTypeList(Reply) as any;
    expect(converted.properties.teamId).toEqual({ type: ['string', 'null'], format: 'uuid', description: 'UUID' });
    expect(converted.properties.team.type).toEqual(['object', 'null']);
    expect(converted.properties.team.properties.phone).toEqual({ type: ['string', 'null'] });
    expect(converted.properties.items.items.properties.unit).toEqual({ type: ['string', 'null'] });
    expect(converted.properties.either).toEqual(Reply.properties.either);
    // The contract's own schema is not changed (requests and the OpenAPI document use it).
    expect(Reply.properties.teamId.anyOf).toHaveLength(2);
  });

  it('writes the same JSON as fast-json-stringify on the schema as written', () => {
    const original = fastJson(Reply as never);
    const ours = replySerializer({ schema: Reply });
    const id = '01a22fc2-77ac-78b0-b5d3-7a934f5e770f';
    for (const value of [
      { id, teamId: null, dueAt: null, rating: null, team: null, items: [{ unit: null }], either: 'x' },
      { id, teamId: id, dueAt: '2026-11-29T02:00:00.000Z', rating: 5, team: { name: '幸福里服务队', phone: null }, items: [{ unit: '盒' }], either: 3 },
      { id, teamId: id, dueAt: new Date('2026-11-29T02:00:00.000Z'), rating: 0, team: { name: '"引号"', phone: '0311-1234567' }, items: [], either: 'y' },
    ]) {
      expect(ours(value)).toBe(original(value));
      expect(JSON.parse(ours(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });
});
