import type { Actor } from '@minhu/domain';
import type { UserContext } from '@minhu/db';

/** The signed-in person, as every service sees them. */
export type Viewer = UserContext;

/** How the viewer stands as an actor towards something at `areaPath`. */
export function actorFor(viewer: Viewer, areaPath: string): Actor {
  return {
    userId: viewer.id,
    teamRoles: new Map(viewer.teams.map((t) => [t.id, t.role])),
    isAdmin: viewer.isAdmin,
    inAreaScope: viewer.secretaryAreas.some((a) => areaPath.startsWith(a.path)),
  };
}
