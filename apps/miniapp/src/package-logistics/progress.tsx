import { Text, View } from '@tarojs/components';

/** A bar and its numbers in words (colour is never the only signal). */
export function Progress({ delivered, total, missing = 0 }: { delivered: number; total: number; missing?: number }) {
  const percent = total === 0 ? 0 : Math.round((delivered / total) * 100);
  return (
    <View className='progress' data-progress={`${delivered}/${total}`}>
      <View className='bar'>
        {/* The width comes from the data. */}
        <View className='fill' style={{ width: `${percent}%` }} />
      </View>
      <View className='figures muted'>
        <Text>
          已发放 {delivered} / {total} 户（{percent}%）{missing > 0 ? `，${missing} 户反映未收到待补发` : ''}
        </Text>
      </View>
    </View>
  );
}
