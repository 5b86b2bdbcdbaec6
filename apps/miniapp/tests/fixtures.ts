import type { Ticket } from '@minhu/contracts';
import type { TicketForm } from '../src/services/ticket-form';

/** A ticket as the API sends it: 待签收, filed by 张三 five minutes before `now`, nothing done yet. */
export function aTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    number: 'MH20261128-0001',
    category: 'medicine',
    urgency: 'normal',
    requestedUrgency: 'normal',
    status: 'assigned',
    description: '需要：硝苯地平缓释片 2盒\n送到楼下',
    contentHeld: false,
    items: [{ name: '硝苯地平缓释片', quantity: 2, unit: '盒', note: '可用同类替代' }],
    areaId: '00000000-0000-4000-8000-0000000000a1',
    address: '幸福小区 3号楼 2单元 501',
    controlLevel: 'none',
    teamId: '00000000-0000-4000-8000-0000000000b1',
    team: { id: '00000000-0000-4000-8000-0000000000b1', name: '幸福小区服务队', phone: null },
    assigneeId: null,
    assignee: null,
    filedById: '00000000-0000-4000-8000-0000000000c1',
    filedBy: { id: '00000000-0000-4000-8000-0000000000c1', name: '张三', phone: '13800000001' },
    contactName: '张三',
    contactPhone: '13800000001',
    beneficiary: null,
    attachments: [],
    routeReason: '按住址派给幸福小区服务队',
    flagged: false,
    createdAt: '2026-11-28T06:00:00.000Z',
    claimedAt: null,
    resolvedAt: null,
    closedAt: null,
    responseDueAt: '2026-11-28T06:30:00.000Z',
    resolveDueAt: '2026-11-29T06:00:00.000Z',
    dueAt: '2026-11-28T06:30:00.000Z',
    overdue: false,
    version: 1,
    rating: null,
    satisfied: null,
    handoff: null,
    handoffCount: 0,
    possibleDuplicateOf: [],
    returnRequest: null,
    extension: null,
    ratingComment: null,
    actions: [],
    ...overrides,
  };
}

/** The request form as a person leaves it untouched, for a category. */
export function aForm(overrides: Partial<TicketForm> = {}): TicketForm {
  return {
    category: 'help',
    urgency: 'normal',
    description: '',
    items: [{ name: '', quantity: '1', unit: '盒', substitute: true }],
    hospital: '',
    department: '',
    visitDate: '',
    needTransport: false,
    needPass: false,
    contactName: '',
    contactPhone: '',
    forSomeoneElse: false,
    beneficiaryName: '',
    beneficiaryPhone: '',
    beneficiaryAddress: null,
    attachments: [],
    ...overrides,
  };
}
