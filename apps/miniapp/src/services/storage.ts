import Taro from '@tarojs/taro';

/** Local storage that survives restarts and bad networks; values are JSON. */
export function load<T>(key: string, fallback: T): T {
  try {
    const value = Taro.getStorageSync(key);
    return value === '' || value === undefined || value === null ? fallback : (value as T);
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  try {
    Taro.setStorageSync(key, value);
  } catch {
    // Storage full or unavailable: the app still works, it just forgets.
  }
}

export function remove(key: string): void {
  try {
    Taro.removeStorageSync(key);
  } catch {
    // ignore
  }
}

/** A random id for Idempotency-Key: unique enough without crypto APIs (older WeChat base libraries). */
export function newKey(): string {
  const random = () => Math.random().toString(36).slice(2, 10);
  return `${Date.now().toString(36)}-${random()}-${random()}`;
}
