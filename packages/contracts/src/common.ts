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
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

export const IdParams = Type.Object({ id: Id });
