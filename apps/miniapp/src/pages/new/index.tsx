import Taro, { useLoad, useRouter } from '@tarojs/taro';
import { Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import { CATEGORIES, type Category, type Urgency } from '@minhu/domain';
import { messageOf, uploadPhoto } from '../../services/api';
import { clearDraft, loadDraft, saveDraft, submitTicket } from '../../services/outbox';
import { CATEGORY_LABELS, promiseOf } from '../../services/format';
import { hasErrors, toBody, validate, WITH_ITEMS, type FormErrors, type TicketForm } from '../../services/ticket-form';
import { newKey } from '../../services/storage';
import { AddressPicker } from '../../components/address-picker';
import { ItemsEditor, emptyItem } from '../../components/items-editor';
import { Notice } from '../../components/notice';
import { Page } from '../../components/page';
import { Photo } from '../../components/photo';
import { useApp } from '../../store';
import { ROUTES } from '../../routes';
import './index.scss';
import { buttonProps, Tap } from '../../components/tap';

const TITLES: Record<Category, string> = { medicine: '购药', supplies: '生活物资', medical: '就医', help: '其他求助' };
const PLACEHOLDERS: Record<Category, string> = {
  medicine: '补充说明（选填）：病情、常用药、送到哪里',
  supplies: '补充说明（选填）：家里几口人、忌口、送到哪里',
  medical: '说明情况：病情、是否行动不便、需要陪同等',
  help: '需要什么帮助？越具体越好',
};

function blankForm(category: Category, urgency: Urgency, me: ReturnType<typeof useApp>['me']): TicketForm {
  return {
    category,
    urgency,
    description: '',
    items: [emptyItem(category === 'medicine' ? '盒' : '份')],
    hospital: '',
    department: '',
    visitDate: '',
    needTransport: false,
    needPass: false,
    contactName: me?.name ?? '',
    contactPhone: me?.phone ?? '',
    forSomeoneElse: false,
    beneficiaryName: '',
    beneficiaryPhone: '',
    beneficiaryAddress: null,
    attachments: [],
  };
}

/**
 * The request form: only what the category needs, pre-filled from the profile, kept as a draft
 * while typed, and sent with an Idempotency-Key so a retry can never make two tickets.
 */
export default function NewTicket() {
  const { me } = useApp();
  const params = useRouter().params;
  const startCategory = (CATEGORIES as readonly string[]).includes(params.category ?? '') ? (params.category as Category) : 'help';
  const emergency = params.urgency === 'emergency';
  const draftName = emergency ? 'emergency' : startCategory;

  // The draft is read before the first render, so nothing typed earlier is overwritten.
  const [draft] = useState(() => loadDraft(draftName));
  const [form, setForm] = useState<TicketForm>(() => ({
    ...blankForm(startCategory, emergency ? 'emergency' : 'normal', me),
    ...((draft?.form ?? {}) as Partial<TicketForm>),
  }));
  const restored = draft !== null;
  const [errors, setErrors] = useState<FormErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [uploading, setUploading] = useState(false);
  const key = useRef<string>(draft?.key ?? newKey());

  useLoad(() => {
    void Taro.setNavigationBarTitle({ title: emergency ? '紧急求助' : TITLES[startCategory] });
  });

  // Every change is kept: a closed app or a dropped network loses nothing typed.
  useEffect(() => {
    saveDraft(draftName, form as unknown as Record<string, unknown>, key.current);
  }, [form, draftName]);

  const set = <K extends keyof TicketForm>(field: K, value: TicketForm[K]) => setForm((f) => ({ ...f, [field]: value }));

  const addPhoto = async () => {
    try {
      const chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
      const path = chosen.tempFilePaths[0];
      if (!path) return;
      setUploading(true);
      const id = await uploadPhoto(path);
      setForm((f) => ({ ...f, attachments: [...f.attachments, id] }));
    } catch (e) {
      if ((e as { errMsg?: string }).errMsg?.includes('cancel')) return;
      setProblem(messageOf(e));
    } finally {
      setUploading(false);
    }
  };

  const submit = async () => {
    const found = validate(form);
    setErrors(found);
    if (hasErrors(found)) {
      setProblem('还有信息需要补充，请看红色提示。');
      return;
    }
    setSending(true);
    setProblem(null);
    const result = await submitTicket(key.current, toBody(form));
    setSending(false);
    if (result.ok) {
      clearDraft(draftName);
      const t = result.ticket;
      await Taro.showModal({
        title: `已提交，编号 ${t.number}`,
        content: `${promiseOf(t.responseDueAt, t.createdAt)}。${t.assignee ? `负责人：${t.assignee.name}。` : ''}`,
        showCancel: false,
        confirmText: '知道了',
      });
      Taro.redirectTo({ url: `${ROUTES.ticket}?id=${t.id}` });
    } else if (result.queued) {
      // It waits in the outbox under the same key; the form starts afresh.
      clearDraft(draftName);
      await Taro.showModal({
        title: '网络不好，已保存',
        content: `${result.message} 求助已保存在“求助单”里，联网后会自动提交，不会重复提交。`,
        showCancel: false,
        confirmText: '知道了',
      });
      Taro.switchTab({ url: ROUTES.requests });
    } else {
      const field = (result.error.details as { field?: string } | undefined)?.field;
      if (field === 'beneficiary.areaId') setErrors({ beneficiaryAddress: result.error.message });
      if (result.error.code === 'ADDRESS_REQUIRED') {
        setProblem(`${result.error.message}`);
        return;
      }
      if (result.error.status === 422) key.current = newKey();
      setProblem(result.error.message);
    }
  };

  const withItems = WITH_ITEMS.includes(form.category);
  return (
    <Page>
      {emergency && (
        <View className='sos banner'>
          🚨 紧急求助（绿色通道）
          <View className='hint'>提交后服务队长和书记立即收到。危及生命请先拨打 120。</View>
        </View>
      )}
      {restored && <Notice>已恢复您上次没提交的内容。</Notice>}
      {!me?.home && !form.forSomeoneElse && (
        <Notice kind='error'>
          您还没有填写住址。<Tap inline className='inline-link' onTap={() => Taro.navigateTo({ url: ROUTES.profile })}>去填写</Tap>，或打开下面的“为他人求助”填写地址。
        </Notice>
      )}
      <View className='section'>
        {emergency && (
          <View className='field'>
            <View className='label'>需要什么</View>
            <View className='choice-row'>
              {CATEGORIES.map((c) => (
                <Tap key={c} className={`choice ${form.category === c ? 'on' : ''}`} onTap={() => set('category', c)}>
                  {CATEGORY_LABELS[c]}
                </Tap>
              ))}
            </View>
          </View>
        )}
        {!emergency && (
          <View className='field'>
            <View className='label'>紧急程度</View>
            <View className='choice-row'>
              {(['normal', 'urgent'] as const).map((u) => (
                <Tap key={u} className={`choice ${form.urgency === u ? 'on' : ''}`} onTap={() => set('urgency', u)}>
                  {u === 'normal' ? '一般' : '比较急'}
                </Tap>
              ))}
            </View>
          </View>
        )}

        {withItems && (
          <View className='field'>
            <View className='label'>
              {form.category === 'medicine' ? '要买的药' : '需要的物资'} <Text className='required'>*</Text>
            </View>
            <ItemsEditor
              items={form.items}
              onChange={(items) => set('items', items)}
              errors={errors.itemRows ?? {}}
              namePlaceholder={form.category === 'medicine' ? '药名，如 硝苯地平缓释片' : '物品，如 大米'}
            />
          </View>
        )}

        {form.category === 'medical' && (
          <View>
            <View className='field'>
              <View className='label'>去哪家医院、哪个科室</View>
              <View className='row'>
                <Input nativeProps={{ 'aria-label': '医院' }} className='input' value={form.hospital} placeholder='医院' onInput={(e) => set('hospital', e.detail.value)} />
                <Input nativeProps={{ 'aria-label': '科室（选填）' }} className='input' value={form.department} placeholder='科室（选填）' onInput={(e) => set('department', e.detail.value)} />
              </View>
            </View>
            <View className='field'>
              <View className='label'>就诊日期</View>
              <Picker mode='date' value={form.visitDate} onChange={(e) => set('visitDate', String(e.detail.value))}>
                <View className='picker' {...buttonProps()}>{form.visitDate || '选择日期（选填）'}</View>
              </Picker>
            </View>
            <View className='card row in-form'>
              <Text>需要车辆接送</Text>
              <Switch nativeProps={{ 'aria-label': '需要车辆接送' }} checked={form.needTransport} color='#C8161D' onChange={(e) => set('needTransport', e.detail.value)} />
            </View>
            <View className='card row in-form last-of-block'>
              <Text>需要出行证明 / 通行证</Text>
              <Switch nativeProps={{ 'aria-label': '需要出行证明 / 通行证' }} checked={form.needPass} color='#C8161D' onChange={(e) => set('needPass', e.detail.value)} />
            </View>
          </View>
        )}

        <View className={`field ${errors.description ? 'invalid' : ''}`}>
          <View className='label'>
            {withItems ? '补充说明' : '情况说明'} {!withItems && <Text className='required'>*</Text>}
          </View>
          <Textarea nativeProps={{ 'aria-label': withItems ? '补充说明' : '情况说明' }}
            className='textarea'
            value={form.description}
            maxlength={2000}
            placeholder={PLACEHOLDERS[form.category]}
            onInput={(e) => set('description', e.detail.value)}
            data-testid='description'
          />
          {errors.description && <View className='error'>{errors.description}</View>}
        </View>

        {(form.category === 'medicine' || form.category === 'supplies' || form.category === 'medical') && (
          <View className='field'>
            <View className='label'>{form.category === 'medicine' ? '处方或药盒照片（选填）' : '照片（选填）'}</View>
            <View className='row wrap photos'>
              {form.attachments.map((id) => (
                <Photo key={id} id={id} />
              ))}
              {form.attachments.length < 9 && (
                <Tap className={`btn small ${uploading ? 'disabled' : ''}`} onTap={() => !uploading && addPhoto()}>
                  {uploading ? '上传中…' : '📷 拍照 / 选照片'}
                </Tap>
              )}
            </View>
          </View>
        )}

        <View className='card row in-form'>
          <View className='grow'>
            <View>为他人求助</View>
            <Text className='muted'>家人、邻居没有手机时，替他提交</Text>
          </View>
          <Switch nativeProps={{ 'aria-label': '为他人求助' }} checked={form.forSomeoneElse} color='#C8161D' onChange={(e) => set('forSomeoneElse', e.detail.value)} data-testid='proxy-switch' />
        </View>
        {form.forSomeoneElse && (
          <View className='card in-form proxy'>
            <View className={`field ${errors.beneficiaryName ? 'invalid' : ''}`}>
              <View className='label'>
                求助人姓名 <Text className='required'>*</Text>
              </View>
              <Input nativeProps={{ 'aria-label': '求助人姓名' }} className='input' value={form.beneficiaryName} maxlength={50} onInput={(e) => set('beneficiaryName', e.detail.value)} />
              {errors.beneficiaryName && <View className='error'>{errors.beneficiaryName}</View>}
            </View>
            <View className={`field ${errors.beneficiaryPhone ? 'invalid' : ''}`}>
              <View className='label'>求助人电话（选填，他也能看到进度）</View>
              <Input nativeProps={{ 'aria-label': '求助人电话' }} className='input' type='number' value={form.beneficiaryPhone} maxlength={13} onInput={(e) => set('beneficiaryPhone', e.detail.value)} />
              {errors.beneficiaryPhone && <View className='error'>{errors.beneficiaryPhone}</View>}
            </View>
            <View className={`field ${errors.beneficiaryAddress ? 'invalid' : ''}`}>
              <View className='label'>
                求助人住址 <Text className='required'>*</Text>
              </View>
              {form.beneficiaryAddress ? (
                <View className='row'>
                  <Text className='grow'>{form.beneficiaryAddress.label}</Text>
                  <Tap className='btn small' onTap={() => set('beneficiaryAddress', null)}>
                    重新选择
                  </Tap>
                </View>
              ) : (
                <AddressPicker onPick={(picked) => set('beneficiaryAddress', picked)} />
              )}
              {errors.beneficiaryAddress && <View className='error'>{errors.beneficiaryAddress}</View>}
            </View>
          </View>
        )}

        <View className={`field ${errors.contactPhone ? 'invalid' : ''}`}>
          <View className='label'>联系人和电话</View>
          <View className='row'>
            <Input nativeProps={{ 'aria-label': '联系人姓名' }} className='input' value={form.contactName} maxlength={50} placeholder='姓名' onInput={(e) => set('contactName', e.detail.value)} />
            <Input nativeProps={{ 'aria-label': '联系人电话' }} className='input' type='number' value={form.contactPhone} maxlength={13} placeholder='电话' onInput={(e) => set('contactPhone', e.detail.value)} />
          </View>
          {errors.contactPhone && <View className='error'>{errors.contactPhone}</View>}
        </View>
      </View>

      {problem && <Notice kind='error'>{problem}</Notice>}
      <View className='footer-bar'>
        <Tap className={`btn primary block ${sending ? 'disabled' : ''}`} onTap={() => !sending && submit()} data-testid='submit'>
          {sending ? '正在提交…' : emergency ? '立即提交紧急求助' : '提交求助'}
        </Tap>
      </View>
    </Page>
  );
}
