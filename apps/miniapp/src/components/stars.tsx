import { View } from '@tarojs/components';
import './stars.scss';
import { Tap } from './tap';

/** A 1–5 rating: a picture of it when shown, five buttons (1 星 … 5 星) when it takes an answer. */
export function Stars({ value, onChange }: { value: number; onChange?: (n: number) => void }) {
  if (!onChange) {
    return (
      <View className='stars' role='img' aria-label={`${value} 星`}>
        {'★★★★★'.split('').map((star, i) => (
          <View key={i} className={`star ${i < value ? 'on' : ''}`}>
            {star}
          </View>
        ))}
      </View>
    );
  }
  return (
    <View className='stars'>
      {[1, 2, 3, 4, 5].map((n) => (
        <Tap key={n} className={`star ${n <= value ? 'on' : ''}`} onTap={() => onChange(n)} label={`${n} 星`} pressed={n === value} data-star={n}>
          ★
        </Tap>
      ))}
    </View>
  );
}
