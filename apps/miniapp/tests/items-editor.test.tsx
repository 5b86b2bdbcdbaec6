import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { emptyItem, ItemsEditor, type ItemRow } from '../src/components/items-editor';
import { nativeField, toggle, typeInto } from './dom';

/** The editor as the form uses it: the rows live in the parent's state. */
function Editor({ start, errors = {}, onRows }: { start: ItemRow[]; errors?: Record<number, string>; onRows?: (rows: ItemRow[]) => void }) {
  const [items, setItems] = useState(start);
  return (
    <ItemsEditor
      items={items}
      onChange={(next) => {
        setItems(next);
        onRows?.(next);
      }}
      errors={errors}
      namePlaceholder='药名'
    />
  );
}

const rows = () => screen.queryAllByTestId('item-row');
const names = () => screen.getAllByTestId('item-name');
const valueOf = async (host: Element) => (await nativeField(host)).value;

describe('ItemsEditor', () => {
  it('when 再加一项 is tapped, then a new empty row appears with the unit of the last one', async () => {
    const onRows = vi.fn();
    render(<Editor start={[{ name: '大米', quantity: '2', unit: '袋', substitute: true }]} onRows={onRows} />);
    expect(rows()).toHaveLength(1);

    fireEvent.click(screen.getByText('+ 再加一项'));

    expect(rows()).toHaveLength(2);
    expect(onRows).toHaveBeenLastCalledWith([
      { name: '大米', quantity: '2', unit: '袋', substitute: true },
      { name: '', quantity: '1', unit: '袋', substitute: true },
    ]);
    expect(await valueOf(names()[1]!)).toBe('');
  });

  it('when there is one row, then it cannot be deleted; with two, either can', () => {
    render(<Editor start={[emptyItem()]} />);
    expect(screen.queryByText('删除这一项')).toBeNull();
    fireEvent.click(screen.getByText('+ 再加一项'));
    expect(screen.getAllByText('删除这一项')).toHaveLength(2);
  });

  it('when the first of two rows is deleted, then the second one stays, with what was typed in it', async () => {
    const onRows = vi.fn();
    render(
      <Editor
        start={[
          { name: '布洛芬', quantity: '2', unit: '盒', substitute: true },
          { name: '胰岛素', quantity: '1', unit: '支', substitute: false },
        ]}
        onRows={onRows}
      />,
    );
    fireEvent.click(screen.getAllByText('删除这一项')[0]!);

    expect(rows()).toHaveLength(1);
    expect(onRows).toHaveBeenLastCalledWith([{ name: '胰岛素', quantity: '1', unit: '支', substitute: false }]);
    await waitFor(async () => expect(await valueOf(names()[0]!)).toBe('胰岛素'));
    expect(screen.queryByText('删除这一项')).toBeNull();
  });

  it('when the middle one of three rows is deleted, then the first and the last stay', () => {
    const onRows = vi.fn();
    const [a, b, c] = ['布洛芬', '胰岛素', '感冒灵'].map((name) => ({ name, quantity: '1', unit: '盒', substitute: true }));
    render(<Editor start={[a!, b!, c!]} onRows={onRows} />);
    fireEvent.click(screen.getAllByText('删除这一项')[1]!);
    expect(rows()).toHaveLength(2);
    expect(onRows).toHaveBeenLastCalledWith([a, c]);
  });

  it('when a name and a quantity are typed, then the row holds them', async () => {
    const onRows = vi.fn();
    render(<Editor start={[emptyItem()]} onRows={onRows} />);

    await typeInto(names()[0]!, '硝苯地平缓释片');
    await typeInto(screen.getByTestId('item-quantity'), '3');

    expect(onRows).toHaveBeenLastCalledWith([{ name: '硝苯地平缓释片', quantity: '3', unit: '盒', substitute: true }]);
    expect(await valueOf(names()[0]!)).toBe('硝苯地平缓释片');
  });

  it('when 可替代 is switched off, then the row says a substitute will not do', async () => {
    const onRows = vi.fn();
    render(<Editor start={[{ name: '胰岛素', quantity: '1', unit: '支', substitute: true }]} onRows={onRows} />);
    await toggle(rows()[0]!.querySelector('taro-switch-core')!);
    expect(onRows).toHaveBeenLastCalledWith([{ name: '胰岛素', quantity: '1', unit: '支', substitute: false }]);
  });

  it('when a row has an error, then it is shown on that row only', () => {
    render(<Editor start={[emptyItem(), emptyItem()]} errors={{ 1: '请填写名称' }} />);
    expect(rows()[0]!.textContent).not.toContain('请填写名称');
    expect(rows()[1]!.textContent).toContain('请填写名称');
    expect(rows()[1]!.className).toContain('invalid');
  });

  it('when there are 50 rows, then no more can be added', () => {
    render(<Editor start={Array.from({ length: 50 }, () => emptyItem())} />);
    expect(screen.queryByText('+ 再加一项')).toBeNull();
  });
});
