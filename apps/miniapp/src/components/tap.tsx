import { Text, View } from '@tarojs/components';
import type { ITouchEvent } from '@tarojs/components';
import type { PropsWithChildren } from 'react';

const IS_H5 = process.env.TARO_ENV === 'h5';

/** Enter and Space act as a tap, as on a real button. */
function onKey(event: KeyboardEvent) {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  (event.currentTarget as HTMLElement).click();
}

/**
 * In the browser: a button as a screen reader and a keyboard know it (its role, reached with
 * Tab, Enter and Space tap it, `aria-disabled` when it is). WeChat's own components speak for
 * themselves there, so the mini-program build gets nothing extra.
 */
export function buttonProps({ label, disabled, pressed }: { label?: string; disabled?: boolean; pressed?: boolean } = {}): object {
  if (!IS_H5) return {};
  return {
    role: 'button',
    tabindex: '0',
    onKeyDown: onKey,
    ...(label ? { 'aria-label': label } : {}),
    ...(disabled ? { 'aria-disabled': 'true' } : {}),
    ...(pressed === undefined ? {} : { 'aria-pressed': String(pressed) }),
  };
}

type DataProps = { [key: `data-${string}`]: string | number | undefined };

/**
 * Anything one taps: a block (a tile, a card, a row, a button) or, with `inline`, words in a line
 * (全部 ›, 返回上一级). `label` names it when its words alone would not (★ → "4 星"); `pressed` for a
 * choice that stays chosen; `disabled` still shows it but does nothing.
 */
export function Tap({
  className = '',
  onTap,
  label,
  disabled = false,
  pressed,
  inline = false,
  children,
  ...data
}: PropsWithChildren<{ className?: string; onTap?: (event: ITouchEvent) => void; label?: string; disabled?: boolean; pressed?: boolean; inline?: boolean } & DataProps>) {
  // A caller may say it with the class (`btn primary disabled` while busy).
  const off = disabled || /\bdisabled\b/.test(className);
  const props = {
    className: `${className}${off && !className.includes('disabled') ? ' disabled' : ''}`.trim(),
    onClick: (event: ITouchEvent) => {
      if (!off) onTap?.(event);
    },
    ...data,
    ...buttonProps({ label, disabled: off, pressed }),
  };
  return inline ? <Text {...props}>{children}</Text> : <View {...props}>{children}</View>;
}
