import {
  CATEGORY_LABELS,
  notificationPlan,
  type Audience,
  type Category,
  type DomainEvent,
  type NotificationType,
  type Urgency,
} from '@minhu/domain';
import {
  planNotifications,
  type AudienceTicket,
  type NewNotification,
  type NotificationsRepository,
  type PlannedNotifications,
  type Recipient,
} from '@minhu/db';

export interface NotifiedTicket extends AudienceTicket {
  id: string;
  number: string;
  category: Category;
  urgency: Urgency;
  description: string;
  address: string;
  claimedAt: Date | null;
}

/** What happened to one ticket, and who did it (null: the system, e.g. the sweep). */
export interface TicketNotice {
  ticket: NotifiedTicket;
  events: readonly DomainEvent[];
  actor: { id: string; name: string } | null;
}

/** What each notification says, in plain words. */
function message(type: NotificationType, t: NotifiedTicket, event: DomainEvent, actorName: string | null) {
  const need = `${CATEGORY_LABELS[t.category]}：${t.description.split('\n')[0]!.slice(0, 40)}`;
  const d = event.data;
  switch (type) {
    case 'new_ticket': {
      // A repeated emergency that did not page the secretaries again says which open one it joins.
      const repeat = d.paged === false ? `。同一人短时间内多次紧急求助，未再呼叫书记${typeof d.repeatOf === 'string' ? `，请与 ${d.repeatOf} 一并处理` : ''}` : '';
      return { title: t.urgency === 'normal' ? '新求助待签收' : `新求助待签收（${t.urgency === 'emergency' ? '紧急' : '加急'}）`, body: `${need}（${t.address}）${repeat}` };
    }
    case 'emergency':
      return { title: '🚨 紧急求助，请立即处理', body: `${need}（${t.address}），编号 ${t.number}` };
    case 'assigned':
      return { title: '队长把一条求助指派给您', body: `${need}（${t.address}）` };
    case 'claimed':
      return { title: '您的求助已签收', body: `${actorName ?? '服务队员'}已签收，正在为您办理。编号 ${t.number}` };
    case 'resolved':
      return { title: '您的求助已办结', body: `${typeof d.text === 'string' ? d.text.slice(0, 60) : '已办结'}。请确认是否解决并评价。` };
    case 'closed':
      return d.reason === 'confirmed'
        ? { title: '居民已确认办结', body: `编号 ${t.number}${typeof d.rating === 'number' ? `，评价 ${d.rating} 星` : ''}` }
        : { title: '求助已完成', body: `编号 ${t.number} 办结后无人确认，已自动完成。` };
    case 'cancelled':
      return { title: '居民已取消求助', body: `${need}。取消原因：${String(d.reason ?? '')}` };
    case 'transferred':
      return { title: '有求助转派到本队', body: `${need}（${t.address}）。原因：${String(d.reason ?? '')}` };
    case 'reopened':
      return { title: '居民不满意，求助退回重办', body: `${need}${d.comment ? `。居民说：${String(d.comment)}` : ''}` };
    case 'handoff':
      return { title: '有求助转交给本队，请接收或拒收', body: `${need}（${t.address}）。原因：${String(d.reason ?? '')}。接收前仍由原服务队负责。` };
    case 'handoff_accepted':
      return { title: '转交的求助已被接收', body: `编号 ${t.number} 已由${actorName ?? '对方服务队'}接收办理。` };
    case 'handoff_declined':
      return { title: '转交被拒收，求助仍由本队办理', body: `编号 ${t.number}。拒收原因：${String(d.reason ?? '')}` };
    case 'return_requested':
      return { title: '退单待审批', body: `${need}（${t.address}），编号 ${t.number}。退单原因：${String(d.reason ?? '')}` };
    case 'return_approved':
      return { title: '退单已同意', body: `编号 ${t.number} 已${d.toTeamId ? '转给其他服务队' : '交由书记重新安排'}。` };
    case 'return_rejected':
      return { title: '退单被驳回，请继续办理', body: `编号 ${t.number}。驳回原因：${String(d.reason ?? '')}` };
    case 'extension_requested':
      return { title: '延期待审批', body: `${need}（${t.address}），编号 ${t.number}。延期原因：${String(d.reason ?? '')}` };
    case 'extended':
      return { title: '延期已同意', body: `编号 ${t.number} 的办结时限已延至 ${beijing(String(d.until))}。` };
    case 'extension_rejected':
      return { title: '延期被驳回，请按原时限办结', body: `编号 ${t.number}。驳回原因：${String(d.reason ?? '')}` };
    case 'merged':
      return { title: '您的求助已与另一条合并', body: `编号 ${t.number} 与同一需求的另一条求助合并办理，进展请看保留的那一条。` };
    case 'overdue':
      return {
        title: `求助超时（督办 ${String(d.level)} 级）`,
        body: `${need}（${t.address}），${t.claimedAt ? '超过办结时限' : '超过签收时限'}。编号 ${t.number}`,
      };
    case 'beneficiary_invite':
      // Nothing of the need itself until they accept: only that someone asked for them.
      return { title: '有人为您提交了求助', body: `编号 ${t.number}（${CATEGORY_LABELS[t.category]}）。是您本人的需求吗？请打开确认，确认后才会出现在您的求助里。` };
    case 'beneficiary_declined':
      return { title: '求助对象表示不是本人的需求', body: `${need}（${t.address}），编号 ${t.number}。请电话核实后再办理。` };
    case 'unassigned':
      return { title: '新求助无人可派，请安排', body: `${need}（${t.address}）。本队在岗队员手上的工单都已到上限，请指派或调整上限。编号 ${t.number}` };
    case 'paused':
      return { title: '求助暂停计时', body: `编号 ${t.number} 暂停计时至 ${beijing(String(d.until))}，办结时限顺延。原因：${String(d.reason ?? '')}` };
    case 'stale_claim':
      return { title: '求助签收后未办理', body: `${need}（${t.address}），${actorName ?? '队员'}签收后一直没有开始办理或备注。编号 ${t.number}` };
    case 'distribution_not_received':
      // Written by the distributions repository, never planned for a ticket.
      return { title: '居民反映物资未收到', body: t.address };
  }
}

/** A time as people read it here: Beijing time, to the minute. */
const beijingFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const beijing = (iso: string) => beijingFormat.format(new Date(iso));

/**
 * Turns tickets' events into notifications: what the domain's plan says, to the people each
 * audience means now, never to the person who acted, each once. It plans; the caller writes them
 * in the same statement as the change they tell of.
 */
export function createNotifier(deps: {
  notifications: NotificationsRepository;
  /** The channels configured beyond the inbox: for each, the notification types it carries. */
  channels: ConfiguredChannels;
}) {
  const { notifications, channels } = deps;
  return {
    /** Who hears what, for one ticket (an action) or many (a sweep batch): two reads at most. */
    async plan(batch: readonly TicketNotice[], now: Date): Promise<PlannedNotifications> {
      const planned = batch.map(({ ticket, events }) => {
        const claimed = ticket.claimedAt !== null;
        return events.map((event) => ({ event, plans: notificationPlan(event, { urgency: ticket.urgency, assigneeId: ticket.assigneeId, claimed }) }));
      });
      const people = await notifications.audiencesOf(
        batch.map(({ ticket }, i) => ({ ticket, wanted: planned[i]!.flatMap((p) => p.plans.flatMap((plan) => plan.audiences)) })),
      );
      const rows: NewNotification[] = [];
      batch.forEach(({ ticket, events, actor }, i) => {
        const seen = new Set<string>();
        for (const { event, plans } of planned[i]!) {
          // The confirmed event carries the rating that the closed message reports.
          const closing = event.type === 'closed' ? { ...event, data: { ...events.find((e) => e.type === 'confirmed')?.data, ...event.data } } : event;
          for (const plan of plans) {
            const text = message(plan.type, ticket, closing, actor?.name ?? null);
            // The one who asked for what this event answers is named by the event itself.
            const of = (a: Audience): string[] => {
              if (a === 'requester') return typeof event.data.requestedById === 'string' ? [event.data.requestedById] : [];
              if (a === 'alerted') return Array.isArray(event.data.alsoAlert) ? event.data.alsoAlert.filter((id): id is string => typeof id === 'string') : [];
              return people[i]!.get(a) ?? [];
            };
            for (const userId of new Set(plan.audiences.flatMap(of))) {
              const key = `${plan.type}:${userId}`;
              if (userId === actor?.id || seen.has(key)) continue;
              seen.add(key);
              rows.push({ userId, type: plan.type, ticketId: ticket.id, ...text, createdAt: now });
            }
          }
        }
      });
      const carried = (type: string) => Object.values(channels).some((types) => types?.has(type as NotificationType));
      const recipients = await notifications.recipients([...new Set(rows.flatMap((r) => (carried(r.type) ? [r.userId] : [])))]);
      return planNotifications(rows, (r) => {
        const to = recipients.get(r.userId);
        return to ? deliveryChannels(r.type as NotificationType, to, channels) : [];
      });
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;

/** Per channel beyond the inbox, the notification types it carries (none: the channel is off). */
export interface ConfiguredChannels {
  /** Types with a subscribe-message template. */
  wechat?: ReadonlySet<NotificationType>;
  /** Types with an SMS template, when an SMS provider is configured. */
  sms?: ReadonlySet<NotificationType>;
}

/**
 * Where a notification goes beside the inbox. A person whose notifyBy is `sms` gets a text message
 * (and no WeChat message: they chose how to hear) for the types SMS carries; everybody else with an
 * openid gets a WeChat subscribe message for the types that have a template. Someone who chose SMS
 * while no SMS is configured, or who has no phone, still gets WeChat's if they can.
 */
export function deliveryChannels(type: NotificationType, to: Recipient, channels: ConfiguredChannels): string[] {
  if (to.notifyBy === 'sms' && to.phone && channels.sms) return channels.sms.has(type) ? ['sms'] : [];
  return to.openid && channels.wechat?.has(type) ? ['wechat'] : [];
}
