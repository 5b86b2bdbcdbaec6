import { JSDOM } from 'jsdom';
import { populateGlobal, type Environment } from 'vitest/runtime';

/**
 * Vitest's own `environment: 'jsdom'` imports `jsdom` from where vitest is installed, the
 * repository root, which holds jsdom 24 (a dependency of @tarojs/webpack5-runner). This does what
 * it does with the jsdom this workspace depends on (29): a window as the global scope, and an error
 * thrown in an event handler fails the test instead of being only printed.
 */
export default {
  name: 'miniapp-jsdom',
  viteEnvironment: 'client',
  setup(global: typeof globalThis) {
    const dom = new JSDOM('<!DOCTYPE html>', { url: 'http://localhost:3000', pretendToBeVisual: true });
    // An uncaught error reaches the window as an `error` event; unless someone else listens for
    // those (React does, around rendering), it is handed to Vitest as uncaught.
    let listeners = 0;
    const rethrow = (event: ErrorEvent) => {
      if (listeners === 0 && event.error != null) {
        event.preventDefault();
        process.emit('uncaughtException', event.error);
      }
    };
    const add = dom.window.addEventListener.bind(dom.window);
    const remove = dom.window.removeEventListener.bind(dom.window);
    add('error', rethrow);
    dom.window.addEventListener = ((...args: Parameters<Window['addEventListener']>) => {
      if (args[0] === 'error') listeners++;
      return add(...args);
    }) as Window['addEventListener'];
    dom.window.removeEventListener = ((...args: Parameters<Window['removeEventListener']>) => {
      if (args[0] === 'error' && listeners > 0) listeners--;
      return remove(...args);
    }) as Window['removeEventListener'];
    // After the patch above, so that `window.addEventListener` in the tests is the counting one.
    const { keys, originals } = populateGlobal(global, dom.window, { bindFunctions: true });
    return {
      teardown(global: typeof globalThis) {
        remove('error', rethrow);
        dom.window.close();
        const scope = global as unknown as Record<string | symbol, unknown>;
        keys.forEach((key) => delete scope[key]);
        originals.forEach((value, key) => (scope[key] = value));
      },
    };
  },
} satisfies Environment;
