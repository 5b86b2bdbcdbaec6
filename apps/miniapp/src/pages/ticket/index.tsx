import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Picker, Text, Textarea, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { TeamItem, TeamMemberRow, TicketDetail } from '@minhu/contracts';
import { activePhase, type ConfirmMethod, type TicketAction } from '@minhu/domain';
import { act as actOn, api, ApiError, messageOf, uploadPhoto } from '../../services/api';
import { CATEGORY_LABELS, URGENCY_LABELS, countdown, fullTime } from '../../services/format';
import { TicketBadges } from '../../components/badges';
import { Notice } from '../../components/notice';
import { Page } from '../../components/page';
import { Photo } from '../../components/photo';
import { Stars } from '../../components/stars';
import { Timeline } from '../../components/timeline';
import { CATEGORY_ICONS } from '../../components/ticket-card';
import { useApp } from '../../store';
import { ROUTES } from '../../routes';
import './index.scss';
import { buttonProps, Tap } from '../../components/tap';

const DONE_MESSAGES: Record<TicketAction, string> = {
  claim: '已签收',
  start: '已开始办理',
  note: '已记录',
  resolve: '已办结',
  transfer: '已转交，等待对方接收',
  acceptHandoff: '已接收',
  declineHandoff: '已拒收',
  return: '已申请退单',
  approveReturn: '已同意退单',
  rejectReturn: '已驳回退单',
  extend: '已申请延期',
  approveExtension: '已同意延期',
  rejectExtension: '已驳回延期',
  pause: '已暂停计时',
  resume: '已恢复计时',
  merge: '已合并',
  assign: '已指派',
  cancel: '已取消',
  confirm: '感谢评价',
  confirmOnBehalf: '已记录回访',
  acceptBeneficiary: '已确认，求助已加入您的列表',
  declineBeneficiary: '已告知服务队，这不是您的求助',
  releaseContent: '已放行',
};

/** Actions that need a few words (or a choice) first open a small form; the others run at once. */
const WITH_FORM: readonly TicketAction[] = [
  'note',
  'resolve',
  'transfer',
  'declineHandoff',
  'return',
  'rejectReturn',
  'extend',
  'rejectExtension',
  'pause',
  'merge',
  'assign',
  'cancel',
  'confirm',
  'confirmOnBehalf',
];
/** The forms that ask only for a reason. */
const REASON_ONLY: readonly TicketAction[] = ['declineHandoff', 'return', 'rejectReturn', 'rejectExtension'];
const BUTTON_LABELS: Record<TicketAction, string> = {
  claim: '签收',
  start: '开始办理',
  note: '添加办理记录',
  resolve: '办结',
  transfer: '转交',
  acceptHandoff: '接收',
  declineHandoff: '拒收',
  return: '退单',
  approveReturn: '同意退单',
  rejectReturn: '驳回退单',
  extend: '申请延期',
  approveExtension: '同意延期',
  rejectExtension: '驳回延期',
  pause: '暂停计时',
  resume: '恢复计时',
  merge: '合并重复求助',
  assign: '指派队员',
  cancel: '取消求助',
  confirm: '确认办结并评价',
  confirmOnBehalf: '记录回访',
  acceptBeneficiary: '是我的求助，确认',
  declineBeneficiary: '不是我的求助',
  releaseContent: '审核通过，放行内容',
};
const PRIMARY: readonly TicketAction[] = ['claim', 'start', 'resolve', 'confirm', 'acceptHandoff', 'approveReturn', 'approveExtension', 'acceptBeneficiary'];
const PLACEHOLDERS: Partial<Record<TicketAction, string>> = {
  resolve: '办了什么：如 药已送到门口，已电话告知',
  transfer: '转交原因（对方接收前仍由本队负责）',
  declineHandoff: '拒收原因',
  return: '退单原因（书记审批后重新派单）',
  rejectReturn: '驳回原因',
  extend: '延期原因：如 下周二医院复查',
  rejectExtension: '驳回原因',
  pause: '为什么暂停：如 居民外出，明天下午回家',
  confirm: '说说您的感受（选填）',
  confirmOnBehalf: '居民怎么说（选填）',
  cancel: '取消原因（选填）',
};

/** Choices for the new resolve due time of an extension: 1, 3, 7 and 14 days from the one it has. */
const EXTENSION_DAYS = [1, 3, 7, 14];
/** How long the clock may stand still (至多 72 小时): hours from now. */
const PAUSE_HOURS = [2, 6, 24, 72];

const call = (phone: string | null | undefined) => phone && !phone.includes('*') && Taro.makePhoneCall({ phoneNumber: phone });

export default function TicketPage() {
  const id = useRouter().params.id ?? '';
  const { view } = useApp();
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<TicketAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [teams, setTeams] = useState<TeamItem[]>([]);
  const [members, setMembers] = useState<TeamMemberRow[]>([]);
  // The small forms' fields.
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<string[]>([]);
  const [targetTeam, setTargetTeam] = useState<number>(-1);
  const [targetMember, setTargetMember] = useState<number>(-1);
  const [satisfied, setSatisfied] = useState<boolean | null>(null);
  const [extensionDays, setExtensionDays] = useState<number>(-1);
  const [stars, setStars] = useState(5);
  const [method, setMethod] = useState<ConfirmMethod | null>(null);

  const load = useCallback(async () => {
    try {
      setDetail(await api.getTicket({ params: { id } }));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? '这条求助不存在，或者您没有权限查看。' : messageOf(e));
    }
  }, [id]);

  useDidShow(() => {
    void load();
    api.listTeams().then((r) => setTeams(r.items), () => undefined);
  });
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  const ticket = detail?.ticket;
  const transferTeams = teams.filter((t) => t.id !== ticket?.teamId);
  const teamName = (teamId: unknown) => teams.find((t) => t.id === teamId)?.name ?? null;

  const begin = (action: TicketAction) => {
    setText('');
    setPhotos([]);
    setSatisfied(null);
    setStars(5);
    setMethod(null);
    setTargetTeam(-1);
    setTargetMember(-1);
    setExtensionDays(-1);
    if (action === 'assign' && ticket?.teamId) {
      api.listTeamMembers({ params: { id: ticket.teamId } }).then((r) => setMembers(r.items.filter((m) => m.active)), () => setMembers([]));
    }
    if (WITH_FORM.includes(action)) setOpen(action);
    else void act(action, {});
  };

  const act = async (action: TicketAction, body: Record<string, unknown>) => {
    if (!ticket) return;
    setBusy(true);
    try {
      // 回访 is the confirm endpoint with a method.
      const endpoint = action === 'confirmOnBehalf' ? 'confirm' : action;
      const updated = await actOn(ticket.id, endpoint, action === 'claim' ? body : { ...body, version: ticket.version });
      Taro.showToast({ title: DONE_MESSAGES[action], icon: 'success' });
      setOpen(null);
      setDetail({ ticket: updated, events: detail!.events });
      void load();
    } catch (e) {
      Taro.showToast({ title: messageOf(e), icon: 'none', duration: 3000 });
      void load();
    } finally {
      setBusy(false);
    }
  };

  const addPhoto = async () => {
    try {
      const chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'] });
      const path = chosen.tempFilePaths[0];
      if (path) setPhotos([...photos, await uploadPhoto(path)]);
    } catch (e) {
      if (!(e as { errMsg?: string }).errMsg?.includes('cancel')) Taro.showToast({ title: messageOf(e), icon: 'none' });
    }
  };

  const confirmForm = () => {
    switch (open) {
      case 'note':
      case 'resolve':
        if (!text.trim()) return Taro.showToast({ title: open === 'resolve' ? '请写一下办了什么' : '请填写内容', icon: 'none' });
        return act(open, { text: text.trim(), attachments: photos });
      case 'transfer':
        if (targetTeam < 0) return Taro.showToast({ title: '请选择服务队', icon: 'none' });
        if (!text.trim()) return Taro.showToast({ title: '请写明转交原因', icon: 'none' });
        return act('transfer', { teamId: transferTeams[targetTeam]!.id, reason: text.trim() });
      case 'declineHandoff':
      case 'return':
      case 'rejectReturn':
      case 'rejectExtension':
        if (!text.trim()) return Taro.showToast({ title: '请写明原因', icon: 'none' });
        return act(open, { reason: text.trim() });
      case 'extend': {
        if (extensionDays < 0) return Taro.showToast({ title: '请选择延期多久', icon: 'none' });
        if (!text.trim()) return Taro.showToast({ title: '请写明延期原因', icon: 'none' });
        const until = new Date(new Date(ticket!.resolveDueAt).getTime() + EXTENSION_DAYS[extensionDays]! * 86_400_000);
        return act('extend', { until: until.toISOString(), reason: text.trim() });
      }
      case 'pause': {
        if (extensionDays < 0) return Taro.showToast({ title: '请选择暂停多久', icon: 'none' });
        if (!text.trim()) return Taro.showToast({ title: '请写明暂停原因', icon: 'none' });
        const until = new Date(Date.now() + PAUSE_HOURS[extensionDays]! * 3_600_000);
        return act('pause', { until: until.toISOString(), reason: text.trim() });
      }
      case 'merge':
        if (targetMember < 0) return Taro.showToast({ title: '请选择要合并到的求助', icon: 'none' });
        return act('merge', { intoTicketId: ticket!.possibleDuplicateOf[targetMember]! });
      case 'assign':
        if (targetMember < 0) return Taro.showToast({ title: '请选择队员', icon: 'none' });
        return act('assign', { assigneeId: members[targetMember]!.id });
      case 'cancel':
        return act('cancel', { reason: text.trim() || '不需要了' });
      case 'confirm':
        if (satisfied === null) return Taro.showToast({ title: '请选择满意或不满意', icon: 'none' });
        return act('confirm', { satisfied, rating: stars, ...(text.trim() ? { comment: text.trim() } : {}) });
      case 'confirmOnBehalf':
        if (method === null) return Taro.showToast({ title: '请选择电话回访或上门回访', icon: 'none' });
        if (satisfied === null) return Taro.showToast({ title: '请选择居民满意或不满意', icon: 'none' });
        return act('confirmOnBehalf', { satisfied, rating: stars, method, ...(text.trim() ? { comment: text.trim() } : {}) });
      default:
        return undefined;
    }
  };

  if (error) {
    return (
      <Page>
        <Notice kind='error'>{error}</Notice>
        <View className='section'>
          <Tap className='btn block' onTap={() => void load()}>
            重新加载
          </Tap>
        </View>
      </Page>
    );
  }
  if (!ticket) return <Page><View className='empty'>加载中…</View></Page>;

  const due = countdown(ticket.dueAt);
  const forTeam = view !== 'resident' && ticket.actions.some((a) => a !== 'cancel' && a !== 'confirm');
  const residentPhone = ticket.beneficiary?.phone ?? ticket.contactPhone ?? ticket.filedBy.phone;
  // 回访 is for someone filed for who does not use the app (the API refuses it otherwise).
  const confirmsForThem = ticket.beneficiary !== null && ticket.beneficiary.notifyBy !== undefined && ticket.beneficiary.notifyBy !== 'app';
  const shown = ticket.actions.filter((action) => (action !== 'merge' || ticket.possibleDuplicateOf.length > 0) && (action !== 'confirmOnBehalf' || confirmsForThem));

  return (
    <Page>
      <View className='card mt-16'>
        <View className='row'>
          <TicketBadges ticket={ticket} />
          <Text className='muted' data-testid='ticket-number'>{ticket.number}</Text>
        </View>
        <View className='ticket-card'>
          <View className='title full'>
            {CATEGORY_ICONS[ticket.category]} {CATEGORY_LABELS[ticket.category]} · {URGENCY_LABELS[ticket.urgency]}
          </View>
        </View>
        <View className='ticket-description'>{ticket.description}</View>
        {ticket.items.length > 0 && (
          <View className='mt-8'>
            {ticket.items.map((item, i) => (
              <View key={i} className='row'>
                <Text>• {item.name}</Text>
                <Text className='muted'>
                  {item.quantity}
                  {item.unit ?? ''} {item.note ?? ''}
                </Text>
              </View>
            ))}
          </View>
        )}
        {ticket.attachments.length > 0 && (
          <View className='row wrap photos mt-8'>
            {ticket.attachments.map((a) => (
              <Photo key={a} id={a} />
            ))}
          </View>
        )}
        <View className='muted mt-8'>📍 {ticket.address}</View>
        {ticket.beneficiary && <View className='muted'>求助人：{ticket.beneficiary.name}（{ticket.filedBy.name}代为提交）</View>}
        <View className='muted'>提交时间：{fullTime(ticket.createdAt)}</View>
        {due && <View className={`due ${due.overdue ? 'late' : ''}`}>{activePhase(ticket) === 'response' ? '签收' : '办结'}{due.text}</View>}
      </View>

      <View className='card'>
        <View className='row'>
          <View className='grow'>
            <View>{ticket.team ? ticket.team.name : '正在安排服务队'}</View>
            <Text className='muted'>{ticket.assignee ? `${ticket.status === 'assigned' ? '包保队员' : '处理人'}：${ticket.assignee.name}` : '等待队员签收'}</Text>
          </View>
          {!forTeam && (ticket.assignee?.phone || ticket.team?.phone) && (
            <Tap className='btn small' onTap={() => call(ticket.assignee?.phone ?? ticket.team?.phone)}>
              📞 联系
            </Tap>
          )}
          {forTeam && residentPhone && (
            <Tap className='btn small' onTap={() => call(residentPhone)}>
              📞 打给居民
            </Tap>
          )}
        </View>
        {ticket.rating !== null && (
          <View className='mt-8'>
            <Stars value={ticket.rating} />
            <Text className='muted'>{ticket.satisfied ? '满意' : '不满意'}{ticket.ratingComment ? `：${ticket.ratingComment}` : ''}</Text>
          </View>
        )}
      </View>

      {forTeam && ticket.possibleDuplicateOf.length > 0 && (
        <View className='card' data-testid='possible-duplicates'>
          <View>⚠️ 可能重复：同一人、同一类别，72 小时内已有未办结的求助</View>
          {ticket.possibleDuplicateOf.map((other) => (
            <Tap key={other} className='list-item' onTap={() => Taro.navigateTo({ url: `${ROUTES.ticket}?id=${other}` })}>
              <Text>查看另一条求助</Text>
              <Text className='muted'>›</Text>
            </Tap>
          ))}
        </View>
      )}

      {(ticket.handoff || ticket.returnRequest || ticket.extension || ticket.pause) && (
        <View className='card' data-testid='pending'>
          {ticket.handoff && (
            <View>
              ⏳ 转交给 {teamName(ticket.handoff.toTeamId) ?? '其他服务队'}，等待对方接收（接收前仍由 {ticket.team?.name ?? '本队'} 负责）
              <View className='muted'>原因：{ticket.handoff.reason}</View>
            </View>
          )}
          {ticket.returnRequest && (
            <View>
              ⏳ 已申请退单，等待书记审批
              <View className='muted'>原因：{ticket.returnRequest.reason}</View>
            </View>
          )}
          {ticket.extension && (
            <View>
              ⏳ 申请延期至 {fullTime(ticket.extension.until)}，等待书记审批
              <View className='muted'>原因：{ticket.extension.reason}</View>
            </View>
          )}
          {ticket.pause && (
            <View>
              ⏸ 计时暂停至 {fullTime(ticket.pause.until)}，办结时限已顺延
              <View className='muted'>原因：{ticket.pause.reason}</View>
            </View>
          )}
        </View>
      )}

      {open && (
        <View className='card' data-testid='action-form'>
          <View className='strong mb-8'>{BUTTON_LABELS[open]}</View>
          {open === 'transfer' && (
            <View className='field'>
              <Picker mode='selector' range={transferTeams.map((t) => `${t.name}（${t.areaName}）`)} onChange={(e) => setTargetTeam(Number(e.detail.value))}>
                <View className='picker' {...buttonProps()}>{targetTeam >= 0 ? transferTeams[targetTeam]!.name : '选择要转给的服务队'}</View>
              </Picker>
            </View>
          )}
          {open === 'merge' && (
            <View className='choice-row mb-12'>
              {ticket.possibleDuplicateOf.map((other, i) => (
                <Tap key={other} className={`choice ${targetMember === i ? 'on' : ''}`} onTap={() => setTargetMember(i)}>
                  并入第 {i + 1} 条（本条取消，求助人改为关注那一条）
                </Tap>
              ))}
            </View>
          )}
          {open === 'extend' && (
            <View className='choice-row mb-12'>
              {EXTENSION_DAYS.map((days, i) => (
                <Tap key={days} className={`choice ${extensionDays === i ? 'on' : ''}`} onTap={() => setExtensionDays(i)}>
                  延 {days} 天
                </Tap>
              ))}
            </View>
          )}
          {open === 'pause' && (
            <View className='choice-row mb-12'>
              {PAUSE_HOURS.map((h, i) => (
                <Tap key={h} className={`choice ${extensionDays === i ? 'on' : ''}`} onTap={() => setExtensionDays(i)}>
                  暂停 {h} 小时
                </Tap>
              ))}
            </View>
          )}
          {open === 'assign' && (
            <View className='field'>
              <Picker mode='selector' range={members.map((m) => m.name)} onChange={(e) => setTargetMember(Number(e.detail.value))}>
                <View className='picker' {...buttonProps()}>{targetMember >= 0 ? members[targetMember]!.name : '选择队员'}</View>
              </Picker>
            </View>
          )}
          {open === 'confirmOnBehalf' && (
            <View className='choice-row mb-12' data-testid='confirm-method'>
              <Tap className={`choice ${method === 'phone' ? 'on' : ''}`} onTap={() => setMethod('phone')}>
                📞 电话回访
              </Tap>
              <Tap className={`choice ${method === 'visit' ? 'on' : ''}`} onTap={() => setMethod('visit')}>
                🚪 上门回访
              </Tap>
            </View>
          )}
          {(open === 'confirm' || open === 'confirmOnBehalf') && (
            <View>
              <View className='choice-row mb-12'>
                <Tap className={`choice ${satisfied === true ? 'on' : ''}`} onTap={() => setSatisfied(true)} data-testid='satisfied'>
                  😊 满意，问题解决了
                </Tap>
                <Tap className={`choice ${satisfied === false ? 'on' : ''}`} onTap={() => setSatisfied(false)}>
                  😟 不满意，还没解决
                </Tap>
              </View>
              <Stars value={stars} onChange={setStars} />
            </View>
          )}
          {open === 'cancel' && (
            <View className='choice-row mb-12'>
              {['问题已解决', '不需要了', '填错了'].map((r) => (
                <Tap key={r} className={`choice ${text === r ? 'on' : ''}`} onTap={() => setText(r)}>
                  {r}
                </Tap>
              ))}
            </View>
          )}
          {open !== 'assign' && open !== 'merge' && (
            <View className='field'>
              <Textarea nativeProps={{ 'aria-label': BUTTON_LABELS[open] }}
                className='textarea'
                value={text}
                maxlength={open === 'transfer' || open === 'cancel' || open === 'extend' || open === 'pause' || REASON_ONLY.includes(open) ? 500 : 2000}
                placeholder={PLACEHOLDERS[open] ?? '记录办理情况'}
                onInput={(e) => setText(e.detail.value)}
                data-testid='action-text'
              />
            </View>
          )}
          {(open === 'note' || open === 'resolve') && (
            <View className='row wrap photos mb-12'>
              {photos.map((p) => (
                <Photo key={p} id={p} />
              ))}
              <Tap className='btn small' onTap={addPhoto}>
                📷 加照片
              </Tap>
            </View>
          )}
          <View className='btn-row'>
            <Tap className='btn' onTap={() => setOpen(null)}>
              返回
            </Tap>
            <Tap className={`btn primary ${busy ? 'disabled' : ''}`} onTap={() => !busy && confirmForm()} data-testid='action-confirm'>
              {busy ? '提交中…' : '确定'}
            </Tap>
          </View>
        </View>
      )}

      <View className='section-title'>办理过程</View>
      <Timeline events={detail!.events} teamName={teamName} />

      {!open && shown.length > 0 && (
        <View className={`footer-bar ${shown.length > 3 ? 'many' : ''}`}>
          <View className='btn-row wrap'>
            {shown.map((action) => (
              <Tap
                key={action}
                className={`btn ${PRIMARY.includes(action) ? 'primary' : ''} ${action === 'cancel' ? 'danger' : ''} ${busy ? 'disabled' : ''}`}
                onTap={() => !busy && begin(action)}
                data-action={action}
              >
                {BUTTON_LABELS[action]}
              </Tap>
            ))}
          </View>
        </View>
      )}
    </Page>
  );
}
