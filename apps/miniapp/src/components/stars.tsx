import { Text, View } from '@tarojs/components';
import './stars.scss';

export function Stars({ value, onChange }: { value: number; onChange?: (n: number) => void }) {
  return (
    <View className='stars' aria-label={`${value} 星`}>
      {[1, 2, 3, 4, 5].map((n) => (
        <Text key={n} className={`star ${n <= value ? 'on' : ''}`} onClick={() => onChange?.(n)} data-star={n}>
          ★
        </Text>
      ))}
    </View>
  );
}
