// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { hasErrors, toBody, validate } from '../src/services/ticket-form';
import { aForm } from './fixtures';

const home = { areaId: '00000000-0000-4000-8000-0000000000a2', label: '幸福小区 5号楼 1单元 302' };

describe('validate', () => {
  it('when a medicine row has no name and another a zero quantity, then each row gets its own error and the good row none', () => {
    const errors = validate(
      aForm({
        category: 'medicine',
        items: [
          { name: '  ', quantity: '2', unit: '盒', substitute: true },
          { name: '布洛芬', quantity: '0', unit: '盒', substitute: true },
          { name: '感冒灵', quantity: '1', unit: '袋', substitute: false },
          { name: '胰岛素', quantity: '', unit: '支', substitute: false },
        ],
      }),
    );
    expect(errors.itemRows).toEqual({ 0: '请填写名称', 1: '数量要大于 0', 3: '数量要大于 0' });
    expect(hasErrors(errors)).toBe(true);
  });

  it('when a quantity is not a number, then its row is in error', () => {
    const errors = validate(aForm({ category: 'supplies', items: [{ name: '大米', quantity: '两袋', unit: '袋', substitute: true }] }));
    expect(errors.itemRows).toEqual({ 0: '数量要大于 0' });
  });

  it('when every medicine row is filled in, then the form can be sent without a description', () => {
    const errors = validate(aForm({ category: 'medicine', items: [{ name: '布洛芬', quantity: '2', unit: '盒', substitute: true }] }));
    expect(errors).toEqual({});
    expect(hasErrors(errors)).toBe(false);
  });

  it('when a request for other help says nothing, then it asks what help is needed', () => {
    expect(validate(aForm({ category: 'help', description: '   ' })).description).toBe('请说一下需要什么帮助');
    expect(validate(aForm({ category: 'help', description: '家里水管坏了' }))).toEqual({});
  });

  it('when a medical request names neither a hospital nor the situation, then it asks for one of them', () => {
    expect(validate(aForm({ category: 'medical' })).description).toBe('请填写医院或说明情况');
    expect(validate(aForm({ category: 'medical', hospital: '市第一人民医院' }))).toEqual({});
    expect(validate(aForm({ category: 'medical', description: '需要去医院透析' }))).toEqual({});
  });

  it('when the description is longer than 2000 characters, then it says so', () => {
    expect(validate(aForm({ description: '字'.repeat(2001) })).description).toBe('说明太长了，最多 2000 字');
    expect(validate(aForm({ description: '字'.repeat(2000) }))).toEqual({});
  });

  it.each(['13812345678', '19912345678', '010-12345678', '0571-8888888', '02112345678'])(
    'when the contact phone is %s, then it is accepted',
    (phone) => {
      expect(validate(aForm({ description: '求助', contactPhone: phone })).contactPhone).toBeUndefined();
    },
  );

  it.each(['1381234567', '12812345678', '138123456789', '+8613812345678', '12345', '138-1234-5678', '010-123456'])(
    'when the contact phone is %s, then it is refused in words',
    (phone) => {
      expect(validate(aForm({ description: '求助', contactPhone: phone })).contactPhone).toBe('电话号码格式不对');
    },
  );

  it('when no contact phone is given, then that is fine', () => {
    expect(validate(aForm({ description: '求助', contactPhone: '' }))).toEqual({});
  });

  it('when filing for someone else without their name and address, then both are asked for', () => {
    const errors = validate(aForm({ description: '求助', forSomeoneElse: true, beneficiaryName: ' ' }));
    expect(errors.beneficiaryName).toBe('请填写求助人的姓名');
    expect(errors.beneficiaryAddress).toBe('请选择求助人的住址');
    expect(errors.beneficiaryPhone).toBeUndefined();
  });

  it("when filing for someone else with a bad phone for them, then their phone is refused", () => {
    const errors = validate(
      aForm({ description: '求助', forSomeoneElse: true, beneficiaryName: '王奶奶', beneficiaryAddress: home, beneficiaryPhone: '555' }),
    );
    expect(errors).toEqual({ beneficiaryPhone: '请填写 11 位手机号' });
  });

  it('when the 为他人求助 switch is off, then half-typed beneficiary fields do not block sending', () => {
    expect(validate(aForm({ description: '求助', forSomeoneElse: false, beneficiaryPhone: '555' }))).toEqual({});
  });
});

describe('toBody', () => {
  it('when medicines are listed without a description, then the body lists them with substitute notes and a description made from them', () => {
    const body = toBody(
      aForm({
        category: 'medicine',
        urgency: 'urgent',
        items: [
          { name: ' 硝苯地平缓释片 ', quantity: '2', unit: ' 盒 ', substitute: true },
          { name: '胰岛素', quantity: '1.5', unit: '', substitute: false },
        ],
      }),
    );
    expect(body).toEqual({
      category: 'medicine',
      urgency: 'urgent',
      description: '需要：硝苯地平缓释片 2盒、胰岛素 1.5',
      items: [
        { name: '硝苯地平缓释片', quantity: 2, unit: '盒', note: '可用同类替代' },
        { name: '胰岛素', quantity: 1.5, note: '不可替代' },
      ],
    });
  });

  it('when a description was typed, then it is sent as typed (trimmed) instead of the item summary', () => {
    const body = toBody(
      aForm({
        category: 'supplies',
        description: '  家里三口人，不吃辣  ',
        items: [{ name: '大米', quantity: '1', unit: '袋', substitute: true }],
      }),
    );
    expect(body.description).toBe('家里三口人，不吃辣');
    expect(body.items).toEqual([{ name: '大米', quantity: 1, unit: '袋', note: '可用同类替代' }]);
  });

  it('when a medical request has hospital, date, transport and pass, then each becomes a line of the description', () => {
    const body = toBody(
      aForm({
        category: 'medical',
        hospital: ' 市第一人民医院 ',
        department: ' 肾内科 ',
        visitDate: '2026-12-01',
        needTransport: true,
        needPass: true,
        description: '每周三次透析',
        // Rows left over from another category are not sent with a medical request.
        items: [{ name: '布洛芬', quantity: '1', unit: '盒', substitute: true }],
      }),
    );
    expect(body.description).toBe(['医院：市第一人民医院 肾内科', '日期：2026-12-01', '需要车辆接送，需要出行证明/通行证', '每周三次透析'].join('\n'));
    expect(body.items).toBeUndefined();
  });

  it('when a medical request only names the hospital and needs a car, then only those lines are written', () => {
    const body = toBody(aForm({ category: 'medical', hospital: '中医院', needTransport: true }));
    expect(body.description).toBe('医院：中医院\n需要车辆接送');
  });

  it('when filing for someone else, then the body carries their name, address and phone', () => {
    const body = toBody(
      aForm({ description: '帮忙买菜', forSomeoneElse: true, beneficiaryName: ' 王奶奶 ', beneficiaryPhone: ' 13900000002 ', beneficiaryAddress: home }),
    );
    expect(body.beneficiary).toEqual({ name: '王奶奶', areaId: home.areaId, phone: '13900000002' });
  });

  it('when filing for someone else without their phone, then no phone is sent for them', () => {
    const body = toBody(aForm({ description: '帮忙买菜', forSomeoneElse: true, beneficiaryName: '王奶奶', beneficiaryAddress: home }));
    expect(body.beneficiary).toEqual({ name: '王奶奶', areaId: home.areaId });
  });

  it('when the 为他人求助 switch was turned off after typing, then no beneficiary is sent', () => {
    const body = toBody(aForm({ description: '帮忙买菜', forSomeoneElse: false, beneficiaryName: '王奶奶', beneficiaryAddress: home }));
    expect(body).not.toHaveProperty('beneficiary');
  });

  it('when contact details and photos are given, then they are sent; when blank, they are left out', () => {
    const full = toBody(aForm({ description: '求助', contactName: ' 张三 ', contactPhone: ' 13800000001 ', attachments: ['p-1', 'p-2'] }));
    expect(full).toMatchObject({ contactName: '张三', contactPhone: '13800000001', attachments: ['p-1', 'p-2'] });
    const bare = toBody(aForm({ description: '求助', contactName: '  ' }));
    expect(Object.keys(bare).sort()).toEqual(['category', 'description', 'urgency']);
  });
});
