import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createOrgWriteRepository, DataDirLockedError } from '@minhu/db';
import { openDatabase } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import { importOrganisation } from '../org-import/importer.js';
import { SHEETS } from '../org-import/sheets.js';

/**
 * `npm run org:import -- <file.xlsx|file.csv>... [--dry-run]`: imports the organisation ledger
 * into the database the configuration names (as `npm start` would open it). Exits 1 when the
 * files have problems; nothing is changed then.
 */
async function main() {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const paths = args.filter((a) => !a.startsWith('--'));
  if (paths.length === 0) {
    console.error('用法：npm run org:import -- <台账.xlsx 或 区域.csv 等> [--dry-run]');
    process.exit(2);
  }
  const files = paths.map((path) => ({ name: basename(path), bytes: readFileSync(path) }));
  const handle = await openDatabase(loadConfig());
  try {
    const report = await importOrganisation({ handle, org: createOrgWriteRepository(handle) }, files, { dryRun, actorId: null, now: new Date() });
    for (const s of report.sheets) {
      const own = s.sheet && s.sheet !== s.file.replace(/\.\w+$/, '') ? ` / ${s.sheet}` : '';
      console.log(`读取 ${s.file}${own}：${s.kind ? SHEETS[s.kind].title : '未识别'}，${s.rows} 行`);
    }
    if (report.problems.length > 0) {
      console.log(`\n发现 ${report.problems.length} 个问题，未做任何修改：`);
      for (const p of report.problems) {
        console.log(`  ${[p.file, p.sheet && p.sheet !== p.file.replace(/\.\w+$/, '') ? p.sheet : '', p.row ? `第 ${p.row} 行` : '', p.column ? `“${p.column}”列` : ''].filter(Boolean).join(' ')}：${p.message}`);
      }
      process.exitCode = 1;
      return;
    }
    console.log(`\n${dryRun ? '试导入 (未修改)：如果正式导入，将会' : '已导入：'}`);
    for (const [key, c] of Object.entries(report.counts)) {
      if (c.created || c.updated || c.unchanged) console.log(`  ${SHEETS[key as keyof typeof SHEETS].title}：新建 ${c.created}，更新 ${c.updated}，不变 ${c.unchanged}`);
    }
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof DataDirLockedError ? `无法导入：${error.message}` : error);
  process.exit(1);
});
