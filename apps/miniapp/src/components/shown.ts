import { useDidShow } from '@tarojs/taro';
import { useEffect, useRef } from 'react';

/**
 * Runs `load` each time the page is shown. Taro runs a `useDidShow` only if it was registered
 * before the page showed, so a part mounted later (the member's and secretary's homes, loaded on
 * demand in the browser) is given the page's count of showings (`visits`, from pages/home) and
 * loads when it changes; a part mounted with its page uses `useDidShow` itself.
 */
export function useShown(load: () => unknown, visits?: number) {
  const latest = useRef(load);
  latest.current = load;
  useDidShow(() => {
    if (visits === undefined) void latest.current();
  });
  useEffect(() => {
    if (visits !== undefined && visits > 0) void latest.current();
  }, [visits]);
}
