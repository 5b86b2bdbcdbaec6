import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import { apiRoutesDefine } from './api-routes';
import { PreloadPages } from './preload-pages';

/**
 * One app, two targets: WeChat (weapp) and the browser (h5). The H5 build is served by the API
 * from its own origin, so it calls `/api/v1` without CORS; the weapp build calls API_BASE.
 */
export default defineConfig<'webpack5'>(async (merge) => {
  const isCI = Boolean(process.env.CI);
  // Shared packages import their own files as './x.js' (Node ESM style) while the files are .ts.
  // The shared packages are TypeScript source (no build step): compile them with the app.
  const compile = { include: [path.resolve(__dirname, '..', '..', '..', 'packages')] };
  const webpackChain = (chain: { merge(config: object): void; plugins: { delete(name: string): void } }) => {
    chain.merge({ resolve: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } } });
    if (isCI) chain.plugins.delete('webpackbar');
  };
  const base: UserConfigExport<'webpack5'> = {
    projectName: 'minhu',
    date: '2026-11-28',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {
      ...apiRoutesDefine(),
      API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE ?? (process.env.TARO_ENV === 'h5' ? '' : 'https://minhu.example.cn')),
    },
    alias: { '@': path.resolve(__dirname, '..', 'src') },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    logger: { quiet: isCI, stats: false },
    mini: {
      // Design units become real px (32px → 16px), not rpx: rpx follows the screen's width and
      // shrinks on a 360-wide phone, below 关怀模式's 18 px floor (styles/tokens.scss). postcss-pxtransform
      // takes 'px' for mini-programs; Taro's type lists only the others.
      postcss: { pxtransform: { enable: true, config: { targetUnit: 'px' as 'rpx' } }, cssModules: { enable: false } },
      // Shared code goes into one common chunk; every kilobyte counts against the 2 MB package.
      optimizeMainPackage: { enable: true },
      compile,
      webpackChain,
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: { autoprefixer: { enable: true, config: {} }, cssModules: { enable: false } },
      compile,
      webpackChain: (chain: Parameters<typeof webpackChain>[0] & { plugin(name: string): { use(plugin: unknown): void } }) => {
        webpackChain(chain);
        chain.plugin('preload-pages').use(PreloadPages);
      },
    },
  };
  return merge({}, base);
});
