import { Input, Switch, Text, View } from '@tarojs/components';
import './items-editor.scss';
import { Tap } from './tap';

export interface ItemRow {
  name: string;
  quantity: string;
  unit: string;
  substitute: boolean;
}

export const emptyItem = (unit = '盒'): ItemRow => ({ name: '', quantity: '1', unit, substitute: true });

/** The list of things to buy: name, how many, unit, and whether a substitute will do. */
export function ItemsEditor({
  items,
  onChange,
  errors,
  namePlaceholder,
}: {
  items: ItemRow[];
  onChange: (items: ItemRow[]) => void;
  errors: Record<number, string>;
  namePlaceholder: string;
}) {
  const set = (index: number, patch: Partial<ItemRow>) => onChange(items.map((item, i) => (i === index ? { ...item, ...patch } : item)));
  return (
    <View>
      {items.map((item, index) => (
        <View key={index} className={`card item-row ${errors[index] ? 'invalid' : ''}`} data-testid='item-row'>
          <View className='field item-name'>
            <Input nativeProps={{ 'aria-label': `第 ${index + 1} 项的名称` }}
              className='input'
              value={item.name}
              placeholder={namePlaceholder}
              maxlength={100}
              onInput={(e) => set(index, { name: e.detail.value })}
              data-testid='item-name'
            />
          </View>
          <View className='row'>
            <Input nativeProps={{ 'aria-label': `第 ${index + 1} 项的数量` }}
              className='input quantity'
              type='digit'
              value={item.quantity}
              onInput={(e) => set(index, { quantity: e.detail.value })}
              data-testid='item-quantity'
            />
            <Input nativeProps={{ 'aria-label': `第 ${index + 1} 项的单位` }} className='input unit' value={item.unit} maxlength={20} placeholder='单位' onInput={(e) => set(index, { unit: e.detail.value })} />
            <View className='row substitute'>
              <Text className='muted'>可替代</Text>
              <Switch nativeProps={{ 'aria-label': `第 ${index + 1} 项可以用替代品` }} checked={item.substitute} color='#C8161D' onChange={(e) => set(index, { substitute: e.detail.value })} />
            </View>
          </View>
          {errors[index] && <View className='error'>{errors[index]}</View>}
          {items.length > 1 && (
            <Tap inline className='muted' onTap={() => onChange(items.filter((_, i) => i !== index))}>
              删除这一项
            </Tap>
          )}
        </View>
      ))}
      {items.length < 50 && (
        <Tap className='btn small block' onTap={() => onChange([...items, emptyItem(items[items.length - 1]?.unit)])}>
          + 再加一项
        </Tap>
      )}
    </View>
  );
}
