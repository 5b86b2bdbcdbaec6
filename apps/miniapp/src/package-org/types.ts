import type { AreaKind, Availability, Category, CompoundType, ControlLevel, DutyRole, SpecialTag, TeamRole } from '@minhu/domain';

/** The organisation API's answers (apps/api/src/routes/org-admin.routes.ts, org.routes.ts). */

export interface AreaSummary {
  id: string;
  name: string;
  kind: AreaKind;
  compoundType: CompoundType | null;
  controlLevel: ControlLevel;
  hasChildren: boolean;
}

export interface TeamSummary {
  id: string;
  name: string;
  areaId: string;
  areaName: string;
  categories: Category[];
  phone: string | null;
}

export interface AreaDetail {
  area: { id: string; name: string; kind: AreaKind; controlLevel: ControlLevel };
  children: AreaSummary[];
  teams: TeamSummary[];
  coverage: {
    uncoveredUnits: number;
    uncoveredPeople: number;
    units: { id: string; name: string }[];
    people: { id: string; name: string; tags: SpecialTag[]; home: string | null }[];
  };
}

export interface TeamMemberRow {
  id: string;
  name: string;
  phone: string | null;
  role: TeamRole;
  dutyRoles: DutyRole[];
  active: boolean;
  availability: Availability;
  backupMemberId: string | null;
  availabilityNote: string | null;
}

export interface Responsibility {
  id: string;
  memberId: string;
  memberName: string;
  target: { kind: 'area' | 'person'; id: string; name: string };
}

export interface JoinRequest {
  id: string;
  userId: string;
  name: string;
  phone: string | null;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorId?: string | null;
  actorName: string | null;
  entity: string;
  entityId: string | null;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The fields of a membership that can be changed (PUT /teams/:id/members/:userId). */
export interface MemberChange {
  role?: TeamRole;
  dutyRoles?: DutyRole[];
  active?: boolean;
  availability?: Availability;
  backupMemberId?: string | null;
  availabilityNote?: string | null;
}
