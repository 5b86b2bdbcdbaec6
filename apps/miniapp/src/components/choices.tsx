import { View } from '@tarojs/components';
import { Tap } from './tap';

/** Big tappable chips, one of which is chosen. */
export function OneOf<T extends string>({ options, labels, value, onChange }: { options: readonly T[]; labels: Record<T, string>; value: T; onChange: (value: T) => void }) {
  return (
    <View className='choice-row'>
      {options.map((o) => (
        <Tap key={o} className={`choice ${value === o ? 'on' : ''}`} onTap={() => onChange(o)}>
          {labels[o]}
        </Tap>
      ))}
    </View>
  );
}

/** Big tappable chips, any number chosen (ticked), in the options' order. */
export function SomeOf<T extends string>({ options, labels, value, onChange }: { options: readonly T[]; labels: Record<T, string>; value: readonly T[]; onChange: (value: T[]) => void }) {
  const toggle = (o: T) => onChange(value.includes(o) ? value.filter((x) => x !== o) : [...value, o]);
  return (
    <View className='choice-row'>
      {options.map((o) => (
        <Tap key={o} className={`choice ${value.includes(o) ? 'on' : ''}`} onTap={() => toggle(o)}>
          {value.includes(o) ? '✓ ' : ''}
          {labels[o]}
        </Tap>
      ))}
    </View>
  );
}
