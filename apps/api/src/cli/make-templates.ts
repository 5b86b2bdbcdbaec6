import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateCsvs, templateWorkbook } from '../org-import/templates.js';

/** Writes the blank organisation ledger templates into templates/org/ (committed). */
const out = new URL('../../../../templates/org/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '组织台账模板.xlsx'), await templateWorkbook());
for (const csv of templateCsvs()) writeFileSync(join(out, csv.name), csv.text);
console.log(`templates written to ${out}`);
