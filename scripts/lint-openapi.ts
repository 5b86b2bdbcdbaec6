/**
 * `npm run lint`'s check of the OpenAPI document: the document made from the table of endpoints
 * (with the demo login, so every endpoint is in it) is written out and linted by Redocly's
 * recommended rules (redocly.yaml), and checked for empty schemas (a reply nobody described).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '@minhu/contracts';

const document = openApiDocument({ devLogin: true });

const empty: string[] = [];
(function walk(value: unknown, path: string) {
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}/${i}`));
  if (value === null || typeof value !== 'object') return;
  if (/\/schema$|\/properties\/[^/]+$|\/items$|\/(anyOf|oneOf|allOf)\/\d+$/.test(path) && Object.keys(value).length === 0) empty.push(path);
  for (const [key, v] of Object.entries(value)) walk(v, `${path}/${key.replaceAll('/', '~1')}`);
})(document, '#');
if (empty.length > 0) {
  console.error(`OpenAPI: ${empty.length} empty schemas:\n${empty.join('\n')}`);
  process.exit(1);
}

const file = join(mkdtempSync(join(tmpdir(), 'minhu-openapi-')), 'openapi.json');
writeFileSync(file, JSON.stringify(document, null, 2));
const lint = spawnSync('npx', ['--no-install', 'redocly', 'lint', file, '--config', 'redocly.yaml'], { stdio: 'inherit' });
process.exit(lint.status ?? 1);
