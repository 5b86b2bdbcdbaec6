import type { UserContext } from '@minhu/db';

/** The signed-in person, as every service sees them (what they may see: access.ts). */
export type Viewer = UserContext;
