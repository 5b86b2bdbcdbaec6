/**
 * Summarises a V8 CPU profile (node --cpu-prof, as `npm run bench -- --profile` takes of the API):
 * where the API process spent its time, by package/area and by function (self time).
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--from=s] [--to=s] [--top=25]
 *
 * --from/--to keep only the samples in that window (seconds since the process started): the bench
 * prints each load's window, so start-up (module loading, compiling) can be left out.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the stack a script belongs to. */
function areaOf(url: string, fn: string): string {
  if (!url) {
    if (fn === '(idle)') return '(idle)';
    if (fn === '(garbage collector)') return '(garbage collector)';
    if (fn === '(program)') return '(program: native, not JS)';
    return `(${fn || 'native'})`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/(apps\/api\/src|packages\/[^/]+\/src)\//.exec(url);
  if (own) return own[1]!;
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

const argv = process.argv.slice(2);
const file = argv.find((a) => !a.startsWith('--'));
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (!file) {
  console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--from=s] [--to=s] [--top=25]');
  process.exit(2);
}
const top = Number(option('top') ?? 25);
const fromUs = Number(option('from') ?? 0) * 1e6;
const toUs = Number(option('to') ?? Infinity) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Sample times: the deltas add up from the profile's start.
const inWindow: boolean[] = [];
let clock = 0;
for (const delta of profile.timeDeltas) {
  clock += delta;
  inWindow.push(clock >= fromUs && clock <= toUs);
}
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  if (inWindow[i]) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
const busy = total - idle;
const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, t] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const area = areaOf(url, functionName);
  areas.set(area, (areas.get(area) ?? 0) + t);
  const key = `${functionName || '(anonymous)'}  ${area}${url ? `:${lineNumber + 1}` : ''}`;
  functions.set(key, (functions.get(key) ?? 0) + t);
}
// Inclusive time: every function on a sample's stack gets the sample once (recursion counted once).
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (n: Node) => {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'}  ${areaOf(url, functionName)}${url ? `:${lineNumber + 1}` : ''}`;
};
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  if (!inWindow[i]) return;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const node = byId.get(cur)!;
    if (!/\/(apps\/api\/src|packages\/[^/]+\/src)\//.test(node.callFrame.url)) continue;
    seen.add(keyOf(node));
  }
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

const pct = (t: number, of: number) => `${((100 * t) / of).toFixed(1).padStart(5)}%`;
console.log(`${file}${fromUs > 0 || toUs < Infinity ? ` (${fromUs / 1e6} s to ${toUs / 1e6} s)` : ''}\nwall ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${pct(busy, total).trim()} of one core)\n`);
console.log('self time by package / area (share of busy time):');
for (const [area, t] of [...areas].filter(([a]) => a !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(t, busy)}  ${area}`);
}
console.log('\nself time by function:');
for (const [fn, t] of [...functions].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(t, busy)}  ${fn}`);
}
console.log('\ninclusive time of the project\'s own functions (share of busy time):');
for (const [fn, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${pct(t, busy)}  ${fn}`);
}
