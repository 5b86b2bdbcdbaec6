import Taro from '@tarojs/taro';
import type { AuthReply, Me } from '@minhu/contracts';
import { api, setTokens } from './api';
import { load, remove, save } from './storage';

/** Which face of the app a person sees; someone with several roles can switch. */
export type View = 'resident' | 'member' | 'secretary';

const ME_KEY = 'minhu.me';
const VIEW_KEY = 'minhu.view';

export function viewsOf(me: Me): View[] {
  const views: View[] = ['resident'];
  if (me.roles.includes('member') || me.roles.includes('leader')) views.push('member');
  if (me.roles.includes('secretary') || me.roles.includes('admin')) views.push('secretary');
  return views;
}

/** The face to show: the one chosen before if still allowed, else the person's main job. */
export function defaultView(me: Me): View {
  const views = viewsOf(me);
  const chosen = load<View | null>(VIEW_KEY, null);
  if (chosen && views.includes(chosen)) return chosen;
  return views[views.length - 1]!;
}

export function rememberView(view: View) {
  save(VIEW_KEY, view);
}

export const cachedMe = () => load<Me | null>(ME_KEY, null);

function signedIn(reply: AuthReply): Me {
  setTokens(reply);
  save(ME_KEY, reply.user);
  return reply.user;
}

/** In WeChat: wx.login's code, exchanged by the API for the person's account. */
export async function loginWithWechat(): Promise<Me> {
  const { code } = await Taro.login();
  return signedIn(await api.wechatLogin({ body: { code } }));
}

/** In the browser demo: sign in by phone number. */
export async function loginWithPhone(phone: string): Promise<Me> {
  return signedIn(await api.devLogin({ body: { phone } }));
}

export async function refreshMe(): Promise<Me> {
  const me = await api.getMe();
  save(ME_KEY, me);
  return me;
}

export function logout() {
  setTokens(null);
  remove(ME_KEY);
  remove(VIEW_KEY);
}
