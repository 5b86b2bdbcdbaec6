import { Text, View } from '@tarojs/components';
import type { TicketEvent } from '@minhu/contracts';
import { EVENT_LABELS, fullTime } from '../services/format';
import { Photo } from './photo';
import './timeline.scss';

const ROUTE_REASONS: Record<string, string> = {
  compound_team: '派给小区服务队',
  category_rule: '按类别派给专门服务队',
  ancestor_team: '小区暂无服务队，派给上级服务队',
  default_team: '派给社区兜底服务队，请书记关注',
  unrouted: '暂未找到服务队，已提醒书记处理',
};

/** How routing picked the member (or why nobody), as the event's `assignment` says. */
const ASSIGNMENT_WORDS: Record<string, string> = {
  responsible: '已指定包保队员',
  load: '按工作量派给在岗队员',
  at_capacity: '在岗队员手上工单已满，已提醒队长安排',
};

function detail(event: TicketEvent, teamName: (id: unknown) => string | null): string | null {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'created':
      return d.onBehalf ? '代他人提交' : null;
    case 'assigned': {
      const team = teamName(d.teamId);
      const why = typeof d.reason === 'string' ? ROUTE_REASONS[d.reason] : null;
      return [why ?? (team ? `派给 ${team}` : null), why && team ? team : null, ASSIGNMENT_WORDS[String(d.assignment)] ?? (d.assigneeId ? '已指定包保队员' : null)]
        .filter(Boolean)
        .join('，');
    }
    case 'note':
      // A member's call to the person is marked as one.
      return typeof d.text === 'string' ? `${d.kind === 'call' ? '📞 电话记录：' : ''}${d.text}` : null;
    case 'resolved':
      return typeof d.text === 'string' ? d.text : null;
    case 'transferred':
      return `${d.accepted ? '已由' : '转给'} ${teamName(d.toTeamId) ?? '其他服务队'}${d.accepted ? ' 接收' : ''}：${String(d.reason ?? '')}`;
    case 'handoff_requested':
      return `请 ${teamName(d.toTeamId) ?? '其他服务队'} 接收（接收前仍由本队负责）：${String(d.reason ?? '')}`;
    case 'handoff_declined':
    case 'return_requested':
    case 'return_rejected':
    case 'extension_requested':
    case 'extension_rejected':
      return typeof d.reason === 'string' ? d.reason : null;
    case 'return_approved':
      return d.toTeamId ? `转给 ${teamName(d.toTeamId) ?? '其他服务队'}` : '由书记重新安排';
    case 'extended':
      return `办结时限延至 ${fullTime(String(d.until))}：${String(d.reason ?? '')}`;
    case 'cancelled':
      return typeof d.reason === 'string' ? d.reason : null;
    case 'confirmed':
      // A 回访 on their behalf says how the member asked them.
      return `${d.onBehalf ? (d.method === 'visit' ? '上门回访：' : '电话回访：') : ''}${d.satisfied ? '满意' : '不满意'} ${'★'.repeat(Number(d.rating) || 0)}${d.comment ? `，${String(d.comment)}` : ''}`;
    case 'closed':
      return d.reason === 'confirmed' ? '居民已确认' : '无人确认，自动完成';
    case 'reopened':
      return '居民不满意，退回重新办理';
    case 'escalated':
      return `已提醒${Number(d.level) >= 2 ? '书记' : '队长'}督办`;
    case 'paused':
      return `暂停至 ${fullTime(String(d.until))}，办结时限顺延：${String(d.reason ?? '')}`;
    case 'resumed':
      return `恢复计时，办结时限 ${fullTime(String(d.dueAt))}`;
    case 'stale_claim':
      return '签收后一直没有开始办理或备注，已提醒队长';
    default:
      return null;
  }
}

/** The ticket's history: every step, who, when. */
export function Timeline({ events, teamName }: { events: TicketEvent[]; teamName: (id: unknown) => string | null }) {
  return (
    <View className='timeline card'>
      {events.map((e) => {
        const text = detail(e, teamName);
        const photos = Array.isArray((e.data as { attachments?: unknown }).attachments)
          ? ((e.data as { attachments: string[] }).attachments)
          : [];
        return (
          <View key={e.id} className='event' data-event={e.type}>
            <View className='row'>
              <Text className='what'>{EVENT_LABELS[e.type] ?? e.type}</Text>
              <Text className='muted'>{fullTime(e.at)}</Text>
            </View>
            <Text className='muted'>{e.actorName ?? '系统'}</Text>
            {text && <View>{text}</View>}
            {photos.length > 0 && (
              <View className='row wrap photos'>
                {photos.map((id) => (
                  <Photo key={id} id={id} />
                ))}
              </View>
            )}
          </View>
        );
      })}
    </View>
  );
}
