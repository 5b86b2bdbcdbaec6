import { DataDirLockedError } from '@minhu/db';
import { buildApp } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';

/**
 * `npm run retention -- [--dry-run] [--days N]`: anonymises finished tickets older than
 * RETENTION_DAYS (or --days) in the database the configuration names, as the running server does
 * by itself when RETENTION_DAYS is set; `--dry-run` reports what it would touch and changes nothing.
 */
async function main() {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const daysAt = args.indexOf('--days');
  const config = loadConfig();
  const days = daysAt >= 0 ? Number(args[daysAt + 1]) : config.retentionDays;
  if (days === null || !Number.isInteger(days) || days < 1) {
    console.error('用法：npm run retention -- [--dry-run] [--days 天数]（或设置 RETENTION_DAYS）');
    process.exit(2);
  }
  // The services without the background jobs or a listening port.
  const app = await buildApp({ ...config, retentionDays: null });
  try {
    const now = new Date();
    const report = dryRun ? await app.services.retention.dryRun(now, days) : await app.services.retention.run(now, days);
    const what = `${report.tickets} 张工单、${report.items} 项物品、${report.attachments} 个附件、${report.events} 条时间线记录、${report.notifications} 条通知`;
    console.log(dryRun ? `试运行 (未修改)：办结或取消超过 ${days} 天的工单，将清除 ${what}的个人内容。` : `已清除 ${what}的个人内容 (超过 ${days} 天)。`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DataDirLockedError ? `无法运行：${error.message}` : error);
  process.exit(1);
});
