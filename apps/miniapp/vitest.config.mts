import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { apiRoutesDefine } from './config/api-routes';

/**
 * Component tests for the mini-program, in jsdom. The components render with Taro's H5 React
 * components (what `taro build --type h5` uses), and `@tarojs/taro` is a mock (tests/taro-mock.ts).
 * Run from the repository root as the `miniapp` project of vitest.config.ts, or on its own with
 * `npx vitest -c apps/miniapp/vitest.config.mts`.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  resolve: {
    alias: [
      // Exact names only: `@tarojs/components/dist/...` (imported by the React wrappers) stays as is.
      // The H5 build aliases `@tarojs/components` to the same entry (plugin-platform-h5).
      { find: /^@tarojs\/components$/, replacement: '@tarojs/components/lib/react' },
      { find: /^@tarojs\/taro$/, replacement: here('tests/taro-mock.ts') },
      { find: /^@\//, replacement: `${here('src')}/` },
    ],
  },
  define: {
    // What Taro's build defines. The mini-program runtime flags (default values of the weapp build);
    // the H5 build registers the web components itself, without the deprecated adapter.
    ENABLE_INNER_HTML: 'true',
    ENABLE_ADJACENT_HTML: 'false',
    ENABLE_SIZE_APIS: 'false',
    ENABLE_TEMPLATE_CONTENT: 'false',
    ENABLE_CLONE_NODE: 'false',
    ENABLE_CONTAINS: 'false',
    ENABLE_MUTATION_OBSERVER: 'false',
    DEPRECATED_ADAPTER_COMPONENT: 'false',
    'process.env.TARO_ENV': '"h5"',
    'process.env.TARO_PLATFORM': '"web"',
    API_BASE: '""',
    ...apiRoutesDefine(),
  },
  test: {
    name: 'miniapp',
    // jsdom, the version this workspace depends on (see the file); tests of plain functions say
    // `@vitest-environment node` and skip building a window.
    environment: './tests/jsdom-environment.ts',
    include: ['tests/**/*.test.{ts,tsx}'],
    setupFiles: ['tests/setup.ts'],
    // A backstop for a test that hangs, not a budget (vitest's default, 5 s, is one on a loaded machine).
    testTimeout: 60_000,
    server: {
      deps: {
        // Taro's packages must go through Vite, so that their own `import Taro from '@tarojs/taro'`
        // gets the mock too. (Vitest does so already because they ship ESM in .js files without
        // "type": "module"; this keeps it so should that change.)
        inline: [/@tarojs\//],
      },
    },
  },
});
