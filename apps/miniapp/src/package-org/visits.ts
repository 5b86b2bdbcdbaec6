import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useEffect, useState } from 'react';

/**
 * How many times the page has been shown (or pulled down to refresh). Taro runs a `useDidShow`
 * only if it was registered before the page showed, so a part that appears later (after
 * something loaded) would never load; the page counts its showings and such parts load with
 * `useOnVisit`.
 */
export function useVisits(): number {
  const [visits, setVisits] = useState(0);
  useDidShow(() => setVisits((n) => n + 1));
  usePullDownRefresh(() => {
    setVisits((n) => n + 1);
    setTimeout(() => Taro.stopPullDownRefresh(), 800);
  });
  return visits;
}

/** Runs `load` once the page has been shown, and again every time it is shown again. */
export function useOnVisit(visits: number, load: () => unknown) {
  useEffect(() => {
    if (visits > 0) void load();
  }, [visits, load]);
}
