import Taro, { useDidShow } from '@tarojs/taro';
import { View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';
import { hasTokens } from '../services/api';
import { useApp } from '../store';
import { ROUTES } from '../routes';

/**
 * Every screen's frame: 关怀模式 styling, and back to login when nobody is signed in. `screen`
 * names what is on show (`data-screen`), for tests to wait on the screen itself.
 */
export function Page({ children, className = '', open = false, screen }: PropsWithChildren<{ className?: string; open?: boolean; screen?: string }>) {
  const { careMode } = useApp();
  useDidShow(() => {
    if (!open && !hasTokens()) Taro.reLaunch({ url: ROUTES.login });
  });
  return (
    <View className={`page ${careMode ? 'care' : ''} ${className}`} data-screen={screen}>
      {children}
    </View>
  );
}
