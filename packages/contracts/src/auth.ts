import { Type, type Static } from 'typebox';
import { SPECIAL_TAGS, USER_ROLES, TEAM_ROLES, AREA_KINDS } from '@minhu/domain';
import { Id, Mobile, Nullable, StringEnum, Text } from './common.js';

export const WechatLoginBody = Type.Object(
  { code: Text(128) },
  { additionalProperties: false },
);
export const DevLoginBody = Type.Object({ phone: Mobile }, { additionalProperties: false });
export const RefreshBody = Type.Object(
  { refreshToken: Text(200) },
  { additionalProperties: false },
);

export const Me = Type.Object({
  id: Id,
  name: Type.String(),
  phone: Nullable(Type.String()),
  roles: Type.Array(StringEnum(USER_ROLES)),
  teams: Type.Array(
    Type.Object({ id: Id, name: Type.String(), role: StringEnum(TEAM_ROLES), areaId: Id }),
  ),
  /** Areas the person is secretary of. */
  areas: Type.Array(
    Type.Object({ id: Id, name: Type.String(), kind: StringEnum(AREA_KINDS), role: Type.Literal('secretary') }),
  ),
  home: Nullable(
    Type.Object({ areaId: Id, address: Type.String(), detail: Nullable(Type.String()) }),
  ),
  /** Verified tags: the ones that raise priority. */
  specialTags: Type.Array(StringEnum(SPECIAL_TAGS)),
  /** Tags the person declared (PATCH /me), waiting for a leader, secretary or admin to verify. */
  pendingTags: Type.Array(StringEnum(SPECIAL_TAGS)),
});
export type Me = Static<typeof Me>;

export const AuthReply = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  /** Seconds until the access token expires. */
  expiresIn: Type.Integer(),
  user: Me,
});
export type AuthReply = Static<typeof AuthReply>;

export const DevAccounts = Type.Object({
  items: Type.Array(
    Type.Object({ phone: Type.String(), name: Type.String(), description: Type.String() }),
  ),
});
export type DevAccount = Static<typeof DevAccounts>['items'][number];
