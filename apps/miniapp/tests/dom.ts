import { act, fireEvent, waitFor } from '@testing-library/react';

/**
 * Taro's H5 components are web components (Stencil) wrapped for React: `<Input>` renders
 * `<taro-input-core>`, which renders its own `<input>` a moment later, and reports typing as an
 * `input` event on the host whose `detail.value` is what `onInput` receives. These helpers drive
 * them the way a person would.
 */

/** The native field inside a Taro Input or Textarea, once the component has rendered it. */
export function nativeField(host: Element): Promise<HTMLInputElement | HTMLTextAreaElement> {
  return waitFor(() => {
    const field = host.matches('input, textarea') ? host : host.querySelector('input, textarea');
    if (!field) throw new Error(`<${host.tagName.toLowerCase()}> has not rendered its field yet`);
    return field as HTMLInputElement | HTMLTextAreaElement;
  });
}

/** Types `value` into a Taro Input or Textarea (replacing what was there). */
export async function typeInto(host: Element, value: string): Promise<void> {
  const field = await nativeField(host);
  fireEvent.input(field, { target: { value } });
}

/** Flips a Taro Switch: a click on its checkbox, which the component reports as `onChange`. */
export async function toggle(host: Element): Promise<void> {
  const box = await waitFor(() => {
    const found = host.querySelector('input[type=checkbox]');
    if (!found) throw new Error('the switch has not rendered its checkbox yet');
    return found;
  });
  fireEvent.click(box);
}

/**
 * Chooses in a Taro Picker. Its popup needs layout that jsdom does not have, so this sends the
 * event the picker sends when a choice is confirmed: `change` with the chosen index (or, for a
 * date picker, the date string).
 */
export function choose(host: Element, value: number | string): void {
  act(() => {
    host.dispatchEvent(new CustomEvent('change', { detail: { value }, bubbles: true }));
  });
}
