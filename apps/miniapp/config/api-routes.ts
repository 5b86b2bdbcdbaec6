import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The compile-time constants the API client needs (src/services/api.ts): each endpoint's method
 * and path, from the table of endpoints itself (packages/contracts), so the app cannot call a
 * path the API does not have, and TypeBox and the schemas stay out of the bundle. Read in a
 * child process that runs the TypeScript source (the build's own config loader does not).
 */
export function apiRoutesDefine(): Record<string, string> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const script = "import('@minhu/contracts').then((c) => process.stdout.write(JSON.stringify({ base: c.API_BASE_PATH, routes: c.routeTable() })))";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  const { base, routes } = JSON.parse(out) as { base: string; routes: Record<string, [string, string]> };
  return { API_BASE_PATH: JSON.stringify(base), API_ROUTES: JSON.stringify(routes) };
}
