import Taro, { useLoad } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { DevAccount, Me } from '@minhu/contracts';
import { api, messageOf } from '../../services/api';
import { forgetInvite, pendingInvite } from '../../services/invite';
import { loginWithPhone, loginWithWechat } from '../../services/session';
import { useApp } from '../../store';
import { Page } from '../../components/page';
import { Notice } from '../../components/notice';
import { ROUTES } from '../../routes';
import { Tap } from '../../components/tap';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/**
 * In WeChat: one tap, wx.login. In the browser demo: the phone-number login, with the demo
 * accounts listed so anyone can try each role.
 */
export default function Login() {
  const { signedIn } = useApp();
  const [accounts, setAccounts] = useState<DevAccount[]>([]);
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useLoad(() => {
    if (!IS_WEAPP) {
      api.listDevAccounts().then(
        (reply) => setAccounts(reply.items),
        () => setAccounts([]),
      );
    }
  });

  const enter = (me: Me) => {
    signedIn(me);
    // Someone who opened an invite link before signing in goes back to it.
    const invite = pendingInvite();
    if (invite) {
      forgetInvite();
      Taro.reLaunch({ url: `${ROUTES.join}?code=${invite}` });
      return;
    }
    // A first-time resident sets their address before anything else.
    if (!me.home && me.roles.length === 1) Taro.reLaunch({ url: `${ROUTES.profile}?first=1` });
    else Taro.reLaunch({ url: ROUTES.home });
  };

  const run = async (login: () => Promise<Me>) => {
    setBusy(true);
    setError(null);
    try {
      enter(await login());
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page open>
      <View className='home-band'>
        <View className='place'>民呼我行</View>
        <View className='helper'>有困难，找党员服务队。买药、生活物资、就医、帮扶，一键求助。</View>
      </View>
      {error && <Notice kind='error'>{error}</Notice>}
      {IS_WEAPP ? (
        <View className='section'>
          <Tap className={`btn primary block ${busy ? 'disabled' : ''}`} onTap={() => !busy && run(loginWithWechat)}>
            {busy ? '正在登录…' : '微信一键登录'}
          </Tap>
        </View>
      ) : (
        <View>
          <View className='section-title'>手机号登录（演示）</View>
          <View className='card'>
            <View className='field'>
              <Input nativeProps={{ 'aria-label': '手机号' }}
                className='input'
                type='number'
                maxlength={11}
                placeholder='请输入 11 位手机号'
                value={phone}
                onInput={(e) => setPhone(e.detail.value)}
                data-testid='phone-input'
              />
            </View>
            <Tap
              className={`btn primary block ${busy || phone.length !== 11 ? 'disabled' : ''}`}
              onTap={() => phone.length === 11 && !busy && run(() => loginWithPhone(phone))}
            >
              登录
            </Tap>
          </View>
          {accounts.length > 0 && (
            <View>
              <View className='section-title'>演示账号，点一下即可登录</View>
              {accounts.map((a) => (
                <Tap key={a.phone} className='card row' onTap={() => !busy && run(() => loginWithPhone(a.phone))} data-phone={a.phone}>
                  <View className='grow'>
                    <View className='strong'>{a.name}</View>
                    <Text className='muted'>{a.description}</Text>
                  </View>
                  <Text className='muted'>{a.phone}</Text>
                </Tap>
              ))}
            </View>
          )}
        </View>
      )}
    </Page>
  );
}
