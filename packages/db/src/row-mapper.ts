import { Column, getTableName, is, SQL, Subquery } from 'drizzle-orm';

/** What drizzle keeps on a prepared select (not in its public types). */
interface PreparedSelect {
  fields?: { path: string[]; field: unknown }[];
  joinsNotNullableMap?: Record<string, boolean>;
  customResultMapper?: (rows: unknown[][]) => unknown;
}

type Decoder = { mapFromDriverValue(value: unknown): unknown };

/**
 * Gives a prepared select drizzle's own row mapping, worked out once instead of for every field of
 * every row: drizzle's generic mapper asks each field what kind it is and walks its path again for
 * each row, a fifth of the API's CPU on a queue read of 20 tickets. The result is the same: each
 * value decoded by its column, nested objects for joined tables, and a left-joined table's object
 * null when its first column is (drizzle's rule).
 */
export function withFastRows<T>(prepared: T): T {
  const query = prepared as PreparedSelect;
  const { fields, joinsNotNullableMap } = query;
  if (!fields) throw new Error('withFastRows: not a prepared select');
  const columns = fields.map(({ path, field }) => {
    const decoder = decoderOf(field);
    return {
      parents: path.slice(0, -1),
      key: path[path.length - 1]!,
      // Columns that return what the driver gave (text, uuid…) are not called at all.
      decode: decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue ? null : (value: unknown) => decoder.mapFromDriverValue(value),
      // Whose missing row makes this field's object null: only columns of joined tables.
      table: joinsNotNullableMap && is(field, Column) && path.length === 2 ? getTableName(field.table) : null,
    };
  });
  query.customResultMapper = (rows) =>
    rows.map((row) => {
      const result: Record<string, unknown> = {};
      let nullify: Record<string, string | false> | undefined;
      for (let i = 0; i < columns.length; i++) {
        const { parents, key, decode, table } = columns[i]!;
        let node = result;
        for (let p = 0; p < parents.length; p++) node = (node[parents[p]!] ??= {}) as Record<string, unknown>;
        const raw = row[i];
        const value = (node[key] = raw === null || decode === null ? raw : decode(raw));
        if (table !== null) {
          const object = parents[0]!;
          nullify ??= {};
          if (!(object in nullify)) nullify[object] = value === null ? table : false;
          else if (typeof nullify[object] === 'string' && nullify[object] !== table) nullify[object] = false;
        }
      }
      for (const object in nullify) {
        const table = nullify[object];
        if (typeof table === 'string' && !joinsNotNullableMap![table]) result[object] = null;
      }
      return result;
    });
  return prepared;
}

/** How drizzle decodes a selected field: a column by itself, SQL by its decoder (internal). */
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field;
  const withDecoder = (value: unknown) => (value as { decoder: Decoder }).decoder;
  if (is(field, SQL)) return withDecoder(field);
  if (is(field, Subquery)) return withDecoder((field as unknown as { _: { sql: SQL } })._.sql);
  return withDecoder((field as { sql: SQL }).sql);
}
