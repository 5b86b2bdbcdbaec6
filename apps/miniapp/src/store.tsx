import Taro from '@tarojs/taro';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type PropsWithChildren } from 'react';
import type { Me } from '@minhu/contracts';
import { hasTokens, whenSignedOut } from './services/api';
import { flushOutbox } from './services/outbox';
import { cachedMe, defaultView, logout, refreshMe, rememberView, viewsOf, type View } from './services/session';
import { load, save } from './services/storage';
import { ROUTES } from './routes';

interface AppState {
  me: Me | null;
  view: View;
  views: View[];
  careMode: boolean;
  setView(view: View): void;
  setCareMode(on: boolean): void;
  signedIn(me: Me): void;
  reloadMe(): Promise<Me | null>;
  signOut(): void;
}

const AppContext = createContext<AppState | null>(null);
const CARE_KEY = 'minhu.care';

/** WeChat's own large-text setting turns on 关怀模式 unless the person chose otherwise. */
function initialCareMode(): boolean {
  const chosen = load<boolean | null>(CARE_KEY, null);
  if (chosen !== null) return chosen;
  try {
    const info = Taro.getAppBaseInfo?.() as { fontSizeScaleFactor?: number; fontSizeSetting?: number } | undefined;
    return (info?.fontSizeScaleFactor ?? 1) > 1.15 || (info?.fontSizeSetting ?? 16) >= 20;
  } catch {
    return false;
  }
}

export function AppProvider({ children }: PropsWithChildren) {
  const [me, setMe] = useState<Me | null>(() => (hasTokens() ? cachedMe() : null));
  const [view, setViewState] = useState<View>(() => (me ? defaultView(me) : 'resident'));
  const [careMode, setCare] = useState(initialCareMode);
  // In the browser the tab bar and the navigation bar are outside the page: 关怀模式 is on the root too.
  useEffect(() => {
    if (process.env.TARO_ENV === 'h5') document.documentElement.classList.toggle('care', careMode);
  }, [careMode]);

  const signOut = useCallback(() => {
    logout();
    setMe(null);
    Taro.reLaunch({ url: ROUTES.login });
  }, []);

  useEffect(() => {
    whenSignedOut(signOut);
  }, [signOut]);

  // Submissions that waited for the network go out when it returns, and every 15 s meanwhile.
  useEffect(() => {
    const flush = () => hasTokens() && void flushOutbox();
    flush();
    const timer = setInterval(flush, 15_000);
    Taro.onNetworkStatusChange?.(({ isConnected }) => isConnected && flush());
    return () => clearInterval(timer);
  }, []);

  const state = useMemo<AppState>(
    () => ({
      me,
      view,
      views: me ? viewsOf(me) : ['resident'],
      careMode,
      setView(next) {
        rememberView(next);
        setViewState(next);
      },
      setCareMode(on) {
        save(CARE_KEY, on);
        setCare(on);
      },
      signedIn(next) {
        setMe(next);
        setViewState(defaultView(next));
      },
      async reloadMe() {
        if (!hasTokens()) return null;
        const next = await refreshMe();
        setMe(next);
        return next;
      },
      signOut,
    }),
    [me, view, careMode, signOut],
  );
  return <AppContext.Provider value={state}>{children}</AppContext.Provider>;
}

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside AppProvider');
  return state;
}
