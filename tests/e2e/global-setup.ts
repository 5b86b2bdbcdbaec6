import { existsSync } from 'node:fs';
// @ts-expect-error: a plain ESM script without types
import { ensureH5Build } from '../../scripts/h5-build.mjs';
import { CHROMIUM } from './browser.js';

/** The browser tests need the H5 build (made here when stale) and Debian's Chromium. */
export default function setup() {
  if (!existsSync(CHROMIUM)) {
    if (process.env.REQUIRE_E2E === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    console.warn(`\n[e2e] 跳过浏览器测试：没有找到 ${CHROMIUM} (apt-get install -y chromium)。\n`);
    return;
  }
  if (!(ensureH5Build() as boolean)) throw new Error('H5 build failed');
}
