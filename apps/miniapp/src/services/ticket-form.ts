import type { CreateTicketBody } from '@minhu/contracts';
import type { Category, Urgency } from '@minhu/domain';
import type { ItemRow } from '../components/items-editor';
import type { PickedAddress } from '../components/address-picker';

/** What the form holds; kept as a draft exactly as typed. */
export interface TicketForm {
  category: Category;
  urgency: Urgency;
  description: string;
  items: ItemRow[];
  hospital: string;
  department: string;
  visitDate: string;
  needTransport: boolean;
  needPass: boolean;
  contactName: string;
  contactPhone: string;
  forSomeoneElse: boolean;
  beneficiaryName: string;
  beneficiaryPhone: string;
  beneficiaryAddress: PickedAddress | null;
  attachments: string[];
}

export type FormErrors = Partial<Record<'description' | 'contactPhone' | 'beneficiaryName' | 'beneficiaryPhone' | 'beneficiaryAddress' | 'items', string>> & {
  itemRows?: Record<number, string>;
};

export const WITH_ITEMS: readonly Category[] = ['medicine', 'supplies'];
const PHONE = /^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/;
/** The person it is for is found in the register by their mobile number (landlines are not theirs alone). */
const MOBILE = /^1[3-9][0-9]{9}$/;

/** Problems in plain words, next to the field they concern; empty when the form can be sent. */
export function validate(form: TicketForm): FormErrors {
  const errors: FormErrors = {};
  const withItems = WITH_ITEMS.includes(form.category);
  const rows: Record<number, string> = {};
  if (withItems) {
    form.items.forEach((item, index) => {
      const quantity = Number(item.quantity);
      if (!item.name.trim()) rows[index] = '请填写名称';
      else if (!Number.isFinite(quantity) || quantity <= 0) rows[index] = '数量要大于 0';
    });
    if (Object.keys(rows).length > 0) errors.itemRows = rows;
  }
  if (!withItems && form.category !== 'medical' && !form.description.trim()) errors.description = '请说一下需要什么帮助';
  if (form.category === 'medical' && !form.description.trim() && !form.hospital.trim()) {
    errors.description = '请填写医院或说明情况';
  }
  if (form.description.length > 2000) errors.description = '说明太长了，最多 2000 字';
  if (form.contactPhone.trim() && !PHONE.test(form.contactPhone.trim())) errors.contactPhone = '电话号码格式不对';
  if (form.forSomeoneElse) {
    if (!form.beneficiaryName.trim()) errors.beneficiaryName = '请填写求助人的姓名';
    if (form.beneficiaryPhone.trim() && !MOBILE.test(form.beneficiaryPhone.trim())) errors.beneficiaryPhone = '请填写 11 位手机号';
    if (!form.beneficiaryAddress) errors.beneficiaryAddress = '请选择求助人的住址';
  }
  return errors;
}

export const hasErrors = (errors: FormErrors) => Object.keys(errors).length > 0;

/** The request body: medical details and item lists said in words the team reads at a glance. */
export function toBody(form: TicketForm): CreateTicketBody {
  const withItems = WITH_ITEMS.includes(form.category);
  const items = withItems
    ? form.items.map((i) => ({
        name: i.name.trim(),
        quantity: Number(i.quantity),
        ...(i.unit.trim() ? { unit: i.unit.trim() } : {}),
        ...(i.substitute ? { note: '可用同类替代' } : { note: '不可替代' }),
      }))
    : [];
  const lines: string[] = [];
  if (form.category === 'medical') {
    if (form.hospital.trim()) lines.push(`医院：${form.hospital.trim()}${form.department.trim() ? ` ${form.department.trim()}` : ''}`);
    if (form.visitDate) lines.push(`日期：${form.visitDate}`);
    const needs = [form.needTransport && '需要车辆接送', form.needPass && '需要出行证明/通行证'].filter(Boolean);
    if (needs.length) lines.push(needs.join('，'));
  }
  if (form.description.trim()) lines.push(form.description.trim());
  if (lines.length === 0 && items.length > 0) {
    lines.push(`需要：${items.map((i) => `${i.name} ${i.quantity}${i.unit ?? ''}`).join('、')}`);
  }
  const body: CreateTicketBody = {
    category: form.category,
    urgency: form.urgency,
    description: lines.join('\n').slice(0, 2000),
  };
  if (items.length) body.items = items;
  if (form.contactName.trim()) body.contactName = form.contactName.trim();
  if (form.contactPhone.trim()) body.contactPhone = form.contactPhone.trim();
  if (form.forSomeoneElse && form.beneficiaryAddress) {
    body.beneficiary = {
      name: form.beneficiaryName.trim(),
      areaId: form.beneficiaryAddress.areaId,
      ...(form.beneficiaryPhone.trim() ? { phone: form.beneficiaryPhone.trim() } : {}),
    };
  }
  if (form.attachments.length) body.attachments = form.attachments;
  return body;
}
