/**
 * What the app needs of `@tarojs/taro`, for tests in jsdom (vitest.config.mts aliases the package
 * here). Every API is a vi.fn so a test can set its answer and see how it was called; storage is a
 * Map; the page hooks run the way a page shown once would.
 */
import { useEffect, useRef } from 'react';
import { vi } from 'vitest';

/** Local storage: what `getStorageSync` and friends read and write. */
export const storage = new Map<string, unknown>();

/** The current page's query, as `useRouter().params` returns it; tests set it before rendering. */
export const routerParams: Record<string, string | undefined> = {};

const listeners = new Map<string, Set<(...args: unknown[]) => void>>();

/** Taro's event bus; the H5 components use it to report unsupported features. */
const eventCenter = {
  on: vi.fn((name: string, fn: (...args: unknown[]) => void) => {
    const set = listeners.get(name) ?? new Set();
    set.add(fn);
    listeners.set(name, set);
  }),
  off: vi.fn((name: string, fn?: (...args: unknown[]) => void) => {
    if (fn) listeners.get(name)?.delete(fn);
    else listeners.delete(name);
  }),
  trigger: vi.fn((name: string, ...args: unknown[]) => {
    listeners.get(name)?.forEach((fn) => fn(...args));
  }),
};

const ok = { errMsg: 'ok' };

const api = {
  eventCenter,
  getStorageSync: vi.fn((key: string) => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: vi.fn((key: string, value: unknown) => {
    // Stored as JSON, as in WeChat: a test cannot pass by sharing an object with the code.
    storage.set(key, value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  }),
  removeStorageSync: vi.fn((key: string) => {
    storage.delete(key);
  }),
  /** Rejects unless a test says what the server answers. */
  request: vi.fn(async (_options: { url: string; method?: string; data?: unknown; header?: Record<string, string> }): Promise<{
    statusCode: number;
    data: unknown;
    header?: Record<string, string>;
  }> => {
    throw { errMsg: 'request:fail no answer set in the test' };
  }),
  navigateTo: vi.fn(async (_options: { url: string }) => ok),
  navigateBack: vi.fn(async (_options?: { delta?: number }) => ok),
  redirectTo: vi.fn(async (_options: { url: string }) => ok),
  switchTab: vi.fn(async (_options: { url: string }) => ok),
  reLaunch: vi.fn(async (_options: { url: string }) => ok),
  showToast: vi.fn(async (_options: { title: string; icon?: string; duration?: number }) => ok),
  showModal: vi.fn(async (_options: { title?: string; content?: string }) => ({ ...ok, confirm: true, cancel: false })),
  makePhoneCall: vi.fn(async (_options: { phoneNumber: string }) => ok),
  previewImage: vi.fn(async (_options: { urls: string[]; current?: string }) => ok),
  pxTransform: vi.fn((n: number) => `${n / 2}px`),
  getAppBaseInfo: vi.fn(() => ({ fontSizeScaleFactor: 1, fontSizeSetting: 16, SDKVersion: '3.0.0', theme: 'light' })),
  onNetworkStatusChange: vi.fn((_listener: (result: { isConnected: boolean; networkType: string }) => void) => {}),
  chooseImage: vi.fn(async (_options?: { count?: number }) => ({ ...ok, tempFilePaths: [] as string[], tempFiles: [] })),
  uploadFile: vi.fn(async (_options: { url: string; filePath: string; name: string; header?: Record<string, string> }) => ({
    ...ok,
    statusCode: 201,
    data: JSON.stringify({ id: 'upload-1' }) as string | Record<string, unknown>,
  })),
  downloadFile: vi.fn(async (_options: { url: string; header?: Record<string, string> }) => ({
    ...ok,
    statusCode: 200,
    tempFilePath: 'blob:photo',
  })),
  login: vi.fn(async () => ({ ...ok, code: 'wx-code' })),
  stopPullDownRefresh: vi.fn(() => {}),
  setNavigationBarTitle: vi.fn(async (_options: { title: string }) => ok),
  getCurrentPages: vi.fn(() => [] as unknown[]),
};

/** Runs once after the first render, as when the page is shown. */
export function useDidShow(callback: () => void) {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    latest.current();
  }, []);
}

export function useLoad(callback: (params: Record<string, string | undefined>) => void) {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    latest.current(routerParams);
  }, []);
}

export const useDidHide = vi.fn((_callback: () => void) => {});
export const usePullDownRefresh = vi.fn((_callback: () => void) => {});
export const useRouter = () => ({ params: routerParams, path: '' });

/** Back to a fresh app: empty storage and query, default answers, no recorded calls. */
export function resetTaro() {
  storage.clear();
  listeners.clear();
  for (const key of Object.keys(routerParams)) delete routerParams[key];
  // mockReset puts back the implementation given to vi.fn above and forgets the calls.
  for (const fn of [...Object.values(api), ...Object.values(eventCenter)]) if (vi.isMockFunction(fn)) fn.mockReset();
  useDidHide.mockReset();
  usePullDownRefresh.mockReset();
}

const Taro = { ...api, useDidShow, useDidHide, useLoad, usePullDownRefresh, useRouter };

export const taro = api;
export default Taro;
