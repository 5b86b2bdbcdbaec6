import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Stars } from '../src/components/stars';

const stars = () => screen.getAllByText('★');
const lit = () => stars().filter((s) => s.classList.contains('on')).length;

describe('Stars', () => {
  it('when the rating is 3, then three of five stars are lit', () => {
    render(<Stars value={3} />);
    expect(stars()).toHaveLength(5);
    expect(lit()).toBe(3);
    expect(screen.getByLabelText('3 星')).toBeTruthy();
  });

  it('when a star is tapped, then onChange gets that star', () => {
    const onChange = vi.fn();
    render(<Stars value={0} onChange={onChange} />);
    expect(lit()).toBe(0);
    fireEvent.click(stars()[3]!);
    expect(onChange).toHaveBeenLastCalledWith(4);
    fireEvent.click(stars()[0]!);
    expect(onChange).toHaveBeenLastCalledWith(1);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it('when read-only (no onChange), then tapping does nothing harmful', () => {
    render(<Stars value={5} />);
    fireEvent.click(stars()[1]!);
    expect(lit()).toBe(5);
  });
});
