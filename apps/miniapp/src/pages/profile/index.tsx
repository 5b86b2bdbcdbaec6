import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { SPECIAL_TAGS, SPECIAL_TAG_LABELS, type SpecialTag } from '@minhu/domain';
import { api, messageOf } from '../../services/api';
import { AddressPicker, type PickedAddress } from '../../components/address-picker';
import { Notice } from '../../components/notice';
import { Page } from '../../components/page';
import { useApp } from '../../store';
import { ROUTES } from '../../routes';
import { SomeOf } from '../../components/choices';
import { Tap } from '../../components/tap';

/** First use (and later edits): name, home address down to the unit and room, special circumstances. */
export default function Profile() {
  const { me, signedIn } = useApp();
  const first = useRouter().params.first === '1';
  const [name, setName] = useState(me?.name ?? '');
  const [address, setAddress] = useState<PickedAddress | null>(me?.home ? { areaId: me.home.areaId, label: me.home.address } : null);
  const [picking, setPicking] = useState(!me?.home);
  const [detail, setDetail] = useState(me?.home?.detail ?? '');
  const [tags, setTags] = useState<SpecialTag[]>(me ? [...new Set([...me.specialTags, ...me.pendingTags])] : []);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);


  const saveProfile = async () => {
    if (!name.trim()) return setError('请填写姓名。');
    if (!address) return setError('请选择住址，至少到小区。');
    setSaving(true);
    setError(null);
    try {
      const updated = await api.updateMeByPost({
        body: { name: name.trim(), homeAreaId: address.areaId, homeDetail: detail.trim() || null, specialTags: tags },
      });
      signedIn(updated);
      Taro.showToast({ title: '已保存', icon: 'success' });
      if (first) Taro.reLaunch({ url: ROUTES.home });
      else Taro.navigateBack();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Page>
      {first && <Notice>第一次使用，请先告诉我们您住在哪里，求助会直接送到负责您楼栋的党员。</Notice>}
      <View className='section'>
        <View className='field'>
          <View className='label'>
            姓名 <Text className='required'>*</Text>
          </View>
          <Input nativeProps={{ 'aria-label': '姓名' }} className='input' value={name} maxlength={30} onInput={(e) => setName(e.detail.value)} placeholder='您的姓名' data-testid='name-input' />
        </View>
        <View className='field'>
          <View className='label'>
            住址 <Text className='required'>*</Text>
          </View>
          {address && !picking ? (
            <View className='row'>
              <Text className='grow' data-testid='picked-address'>{address.label}</Text>
              <Tap className='btn small' onTap={() => setPicking(true)}>
                重新选择
              </Tap>
            </View>
          ) : (
            <AddressPicker
              onPick={(picked) => {
                setAddress(picked);
                setPicking(false);
              }}
            />
          )}
        </View>
        <View className='field'>
          <View className='label'>门牌号</View>
          <Input nativeProps={{ 'aria-label': '门牌号' }} className='input' value={detail} maxlength={30} onInput={(e) => setDetail(e.detail.value)} placeholder='如 502室' data-testid='detail-input' />
        </View>
        <View className='field'>
          <View className='label'>特殊情况（选填，社区核实后优先安排）</View>
          <SomeOf options={SPECIAL_TAGS} labels={SPECIAL_TAG_LABELS} value={tags} onChange={setTags} />
        </View>
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      <View className='footer-bar'>
        <Tap className={`btn primary block ${saving ? 'disabled' : ''}`} onTap={() => !saving && saveProfile()} data-testid='save-profile'>
          {saving ? '保存中…' : '保存'}
        </Tap>
      </View>
    </Page>
  );
}
