import { View } from '@tarojs/components';

/** A message in plain words: what happened and what to do. */
export function Notice({ kind = 'info', children }: { kind?: 'info' | 'error' | 'ok'; children: React.ReactNode }) {
  return <View className={`notice ${kind === 'info' ? '' : kind}`} role={kind === 'error' ? 'alert' : undefined}>{children}</View>;
}
