import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { View } from '@tarojs/components';
import type { PropsWithChildren } from 'react';
import { hasTokens } from '../services/api';
import { useApp } from '../store';
import { ROUTES } from '../routes';

/**
 * Every screen's frame: 关怀模式 styling, and back to login when nobody is signed in. `screen`
 * names what is on show (`data-screen`, by default the page's own name: `ticket`, `org`), for tests
 * to wait on the screen itself.
 */
export function Page({ children, className = '', open = false, screen }: PropsWithChildren<{ className?: string; open?: boolean; screen?: string }>) {
  const { careMode } = useApp();
  const { path } = useRouter();
  useDidShow(() => {
    if (!open && !hasTokens()) Taro.reLaunch({ url: ROUTES.login });
    if (process.env.TARO_ENV === 'h5') labelNavigationBar();
  });
  const name = screen ?? path.split('?')[0]!.replace(/^\/?(package-org\/)?pages\//, '').replace(/\/index$/, '');
  return (
    <View className={`page ${careMode ? 'care' : ''} ${className}`} data-screen={name}>
      {children}
    </View>
  );
}

/**
 * The browser's navigation bar is Taro's, made of plain elements: its title becomes the page's
 * heading and its back and home icons buttons with names, reached and pressed by keyboard.
 */
function labelNavigationBar() {
  const bar = document.getElementById('taro-navigation-bar');
  if (!bar || bar.dataset.labelled) return;
  bar.dataset.labelled = 'true';
  bar.setAttribute('role', 'banner');
  const title = bar.querySelector('.taro-navigation-bar-title');
  title?.setAttribute('role', 'heading');
  title?.setAttribute('aria-level', '1');
  for (const [selector, label] of [
    ['.taro-navigation-bar-back', '返回'],
    ['.taro-navigation-bar-home', '首页'],
  ] as const) {
    const button = bar.querySelector<HTMLElement>(selector);
    if (!button) continue;
    button.setAttribute('role', 'button');
    button.setAttribute('aria-label', label);
    button.tabIndex = 0;
    button.querySelector('svg')?.setAttribute('aria-hidden', 'true');
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      button.click();
    });
  }
}
