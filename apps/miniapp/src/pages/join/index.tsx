import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { useState } from 'react';
import type { InviteInfo } from '@minhu/contracts';
import { api, ApiError, hasTokens, messageOf } from '../../services/api';
import { fullTime } from '../../services/format';
import { normaliseInviteCode, rememberInvite } from '../../services/invite';
import { Notice } from '../../components/notice';
import { Page } from '../../components/page';
import { useApp } from '../../store';
import { ROUTES } from '../../routes';
import { Tap } from '../../components/tap';

type Outcome = { kind: 'ok' | 'info' | 'error'; text: string };

/**
 * 用邀请码加入服务队 (双报到): shows the team the code is for and asks to join; the team's
 * leader approves. Opened from a link (`#/pages/join/index?code=…`) or from 我的.
 */
export default function Join() {
  const code = normaliseInviteCode(useRouter().params.code ?? '');
  const { me, reloadMe } = useApp();
  const [info, setInfo] = useState<InviteInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const signedIn = hasTokens();

  useDidShow(() => {
    if (!code) return setError('邀请码不对：应是 8 位字母和数字，请核对后重试。');
    if (!hasTokens()) return;
    api.getInvite({ params: { code } }).then(
      (found) => {
        setInfo(found);
        setError(null);
      },
      (e: unknown) => setError(e instanceof ApiError && e.status === 404 ? `没有找到邀请码 ${code}，请核对后重试，或向队长要一个新的。` : messageOf(e)),
    );
    void reloadMe().catch(() => undefined);
  });

  const signIn = () => {
    if (code) rememberInvite(code);
    Taro.reLaunch({ url: ROUTES.login });
  };

  const join = async () => {
    if (!code) return;
    setBusy(true);
    try {
      const request = await api.joinTeam({ params: { code } });
      setOutcome({ kind: 'ok', text: `已申请加入“${request.teamName}”，等待队长审核。审核通过后，您会在「我的」里看到这支服务队，并能签收本队的求助。` });
    } catch (e) {
      const code409 = e instanceof ApiError && e.status === 409;
      setOutcome({ kind: code409 ? 'info' : 'error', text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const member = info && me?.teams.some((t) => t.id === info.teamId);
  return (
    <Page open>
      <View className='section muted'>双报到：在职党员、志愿者加入居住地的民呼我行党员服务队，就近为居民服务。</View>
      {!signedIn && code && (
        <View className='card mt-16'>
          <View className='title-lg'>邀请码 {code}</View>
          <View className='muted gap'>加入服务队需要先登录。登录后会回到这里，再点“申请加入”。</View>
          <Tap className='btn primary block gap' onTap={signIn} data-testid='sign-in-to-join'>
            登录
          </Tap>
        </View>
      )}
      {error && <Notice kind='error'>{error}</Notice>}
      {info && (
        <View className='card mt-16' data-testid='invite-team'>
          <View className='muted'>邀请您加入</View>
          <View className='title-lg'>{info.teamName}</View>
          <View className='muted gap'>
            邀请码 {info.code} · 有效期至 {fullTime(info.expiresAt)}
          </View>
        </View>
      )}
      {info && member && <Notice kind='ok'>您已是这支服务队的队员。</Notice>}
      {info && !member && !info.valid && !outcome && <Notice kind='error'>这个邀请码已过期或已用完，请向队长要一个新的。</Notice>}
      {outcome && <Notice kind={outcome.kind}>{outcome.text}</Notice>}
      {info && !member && info.valid && !outcome && (
        <View className='section'>
          <Tap className={`btn primary block ${busy ? 'disabled' : ''}`} onTap={() => !busy && void join()} data-testid='join'>
            {busy ? '正在提交…' : '申请加入'}
          </Tap>
          <View className='muted gap'>提交后由队长审核，同意后您就成为队员。</View>
        </View>
      )}
      {signedIn && (outcome || member || error || (info && !info.valid)) && (
        <View className='section'>
          <Tap className='btn block' onTap={() => Taro.switchTab({ url: ROUTES.me })}>
            回到「我的」
          </Tap>
        </View>
      )}
    </Page>
  );
}
