import { ROUTES } from '../routes';
import { load, remove, save } from './storage';

/**
 * An invite code as typed, read out or pasted: spaces and dashes go, letters become capitals, and
 * a whole join link gives its code. Null when it cannot be a code (6–12 letters and digits).
 */
export function normaliseInviteCode(input: string): string | null {
  const fromLink = /[?&]code=([^&#\s]+)/.exec(input)?.[1];
  const code = (fromLink ?? input).replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z0-9]{6,12}$/.test(code) ? code : null;
}

/**
 * The link that opens the join page with the code: a full address in the browser
 * (`https://…/#/pages/join/index?code=…`), the page path in WeChat.
 */
export function joinLink(code: string, origin: string | null = typeof location === 'undefined' ? null : location.origin): string {
  const path = `${ROUTES.join}?code=${code}`;
  return process.env.TARO_ENV === 'h5' && origin ? `${origin}/#${path}` : path.slice(1);
}

/** A code opened before signing in: the join page remembers it, the login page returns to it. */
const PENDING_KEY = 'minhu.pendingInvite';
export const rememberInvite = (code: string) => save(PENDING_KEY, code);
export const forgetInvite = () => remove(PENDING_KEY);
export const pendingInvite = () => load<string | null>(PENDING_KEY, null);
