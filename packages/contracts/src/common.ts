import { Type, type TSchema, type TUnsafe } from 'typebox';

/** A string enumeration that documents as `{type: string, enum}` and types as the union. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: Record<string, unknown> = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** An object whose fields vary (an event's data, an audited change): any JSON object, described. */
export const AnyObject = (description: string) =>
  Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, description });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The one format of free text (names, descriptions, notes, reasons, search words, keys): any
 * Unicode text but NUL (PostgreSQL cannot store it in text) and lone UTF-16 surrogates (not
 * characters; they cannot be encoded as UTF-8). Every string a request carries is this, or an
 * id, an enumeration, a pattern or a date (tests/unit/endpoints.test.ts checks the table).
 */
export const TEXT_FORMAT = 'text';
/** True when `value` is text in the sense of TEXT_FORMAT. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is refused
export const isText = (value: string): boolean => !/[\u0000\uD800-\uDFFF]/u.test(value);

/** Free text of at most `max` characters (and at least `min`: 1 unless given). */
export const Text = (max: number, options: { min?: number; description?: string } = {}) =>
  Type.String({
    format: TEXT_FORMAT,
    minLength: options.min ?? 1,
    maxLength: max,
    ...(options.description ? { description: options.description } : {}),
  });

/** The largest integer a PostgreSQL `integer` holds (a version, a count). */
export const MAX_INT = 2_147_483_647;

export const Id = Type.String({ format: 'uuid', description: 'UUID' });
export const DateTime = Type.String({ format: 'date-time' });

/** Mainland mobile numbers: what residents log in and are called with. */
export const MOBILE_PATTERN = '^1[3-9][0-9]{9}$';
export const Mobile = Type.String({ pattern: MOBILE_PATTERN, description: '11 位手机号' });
/** A number someone can be called on: a mobile or a landline with area code. */
export const ContactPhone = Type.String({
  pattern: '^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$',
  description: '手机号或带区号的固定电话',
});


export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ format: TEXT_FORMAT, maxLength: 500 })),
};

export const IdParams = Type.Object({ id: Id });
