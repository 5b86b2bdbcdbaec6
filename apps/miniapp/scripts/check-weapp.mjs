#!/usr/bin/env node
// Checks the WeChat (weapp) build output without WeChat DevTools:
//   1. every page listed in app.json (and in each sub-package) has its files; tabBar entries are sane;
//   2. every .wxml/.wxs compiles with WeChat's own wcc and every .wxss with wcsc
//      (the Linux/macOS/Windows binaries shipped in the npm package `miniprogram-compiler`);
//   3. the main package stays under our 600 KB budget (WeChat's hard limit is 2 MB).
// Usage: node scripts/check-weapp.mjs [dist/weapp] [--json]
// Exits 1 on any failure. With --json, the report goes to stderr and stdout gets only a JSON object
// of the sizes, in bytes: { ok, budget, main, subPackages: { root: bytes }, total, largest, errors }.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MAIN_BUDGET = 600 * 1024; // our budget for the main package
const SUB_LIMIT = 2 * 1024 * 1024; // WeChat's hard limit for one sub-package

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(here, '..', 'dist', 'weapp'));
const say = (line = '') => (asJson ? process.stderr : process.stdout).write(`${line}\n`);
const errors = [];
const fail = (msg) => errors.push(msg);
const exists = (rel) => fs.existsSync(path.join(root, rel));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (!fs.existsSync(path.join(root, 'app.json'))) {
  process.stderr.write(`No app.json in ${root}: build first (npm run build:weapp -w @minhu/miniapp).\n`);
  process.exit(1);
}
const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));

// All files, as POSIX paths relative to the output root (WeChat paths are always '/'-separated).
const files = fs
  .readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => path.relative(root, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
  .sort();

// ---- 1. Pages and tabBar --------------------------------------------------------------------
// WeChat accepts both spellings of the key.
const subPackages = (app.subPackages ?? app.subpackages ?? []).map((p) => ({
  root: path.posix.normalize(p.root).replace(/\/$/, ''),
  pages: p.pages ?? [],
}));
const mainPages = app.pages ?? [];
if (!mainPages.length) fail('app.json: "pages" is empty');
const allPages = [
  ...mainPages,
  ...subPackages.flatMap((p) => p.pages.map((page) => path.posix.join(p.root, page))),
];
for (const page of allPages) {
  // .js, .json and .wxml are required: Taro always emits all three for a page (the .wxml is a stub
  // that imports base.wxml, the .json declares the `comp` component). .wxss is optional, for WeChat
  // as for Taro, which emits it only when the page's own module graph imports a stylesheet
  // (app-wide styles land in app.wxss), so a missing page .wxss is not an error.
  const missing = ['.js', '.json', '.wxml'].filter((ext) => !exists(page + ext));
  if (missing.length) fail(`page ${page}: missing ${missing.join(', ')}`);
}
for (const [i, item] of (app.tabBar?.list ?? []).entries()) {
  // WeChat requires tabBar pages to be in the main package.
  if (!mainPages.includes(item.pagePath)) fail(`tabBar.list[${i}].pagePath "${item.pagePath}" is not a main-package page`);
  for (const key of ['iconPath', 'selectedIconPath']) {
    if (item[key] && !exists(item[key])) fail(`tabBar.list[${i}].${key}: missing file ${item[key]}`);
  }
}

// ---- 2. Compile with WeChat's wcc/wcsc ------------------------------------------------------
// The package ships one binary pair per OS (all x86-64; the macOS ones need Rosetta on Apple
// silicon). npm may install them without the execute bit and we don't rely on install scripts,
// so make them executable here, or run a copy from the temp dir if node_modules is read-only.
function compiler(name) {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('miniprogram-compiler/package.json'));
  const dir = { linux: 'linux', darwin: 'mac', win32: 'windows' }[process.platform];
  if (!dir) throw new Error(`miniprogram-compiler has no binaries for ${process.platform}`);
  const bin = path.join(pkg, 'bin', dir, name + (dir === 'windows' ? '.exe' : ''));
  if (dir === 'windows') return bin;
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return bin;
  } catch {
    // not executable yet
  }
  try {
    fs.chmodSync(bin, 0o755);
    return bin;
  } catch {
    const copy = path.join(os.tmpdir(), `check-weapp-${name}`);
    fs.copyFileSync(bin, copy);
    fs.chmodSync(copy, 0o755);
    return copy;
  }
}
// Runs in the output root with relative paths, so messages name files as WeChat sees them.
// stdout (the generated JS) is discarded; errors go to stderr with a non-zero exit.
function run(bin, argv) {
  const r = spawnSync(bin, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.error) throw r.error;
  const msg = r.stderr.replace(/\n*error file count: \d+\n*/g, '').trim(); // wcsc's always-0 footer
  return { ok: r.status === 0, msg: msg || `exit ${r.status ?? r.signal}` };
}
const wcc = compiler('wcc');
const wcsc = compiler('wcsc');

// wcc stops at the first error of a run, so compile each file on its own to report them all.
// A .wxml must be given the .wxs files it uses (`<wxs src>`) or wcc says "not found"; but wcc
// does not check `<import>`/`<include>` targets, so check those ourselves.
for (const file of files.filter((f) => f.endsWith('.wxs'))) {
  const r = run(wcc, ['-d', file]);
  if (!r.ok) fail(`wcc ${file}: ${r.msg}`);
}
for (const file of files.filter((f) => f.endsWith('.wxml'))) {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const wxs = [];
  for (const [, tag, , src] of source.matchAll(/<(import|include|wxs)\b[^>]*?\bsrc\s*=\s*(["'])(.*?)\2/g)) {
    const target = src.startsWith('/') ? path.posix.normalize(src.slice(1)) : path.posix.join(path.posix.dirname(file), src);
    if (!exists(target)) fail(`${file}: <${tag} src="${src}">: ${target} not found`);
    else if (tag === 'wxs') wxs.push(target);
  }
  const r = run(wcc, ['-d', file, ...new Set(wxs)]);
  if (!r.ok) fail(`wcc ${file}: ${r.msg}`);
}
// wcsc needs every file that an @import names on its command line, and unlike wcc it reports
// the errors of all files in one run, each line starting with the file name.
const wxss = files.filter((f) => f.endsWith('.wxss'));
if (wxss.length) {
  const r = run(wcsc, ['-db', ...wxss]);
  if (!r.ok) for (const line of r.msg.split('\n').filter(Boolean)) fail(`wcsc ${line.replace(/^ERR: /, '')}`);
}
// wcsc reads a declaration value up to the next ';' or '}', '{' included, so a lost '}' before
// the next rule (`a{color:red .b{color:blue}`) compiles without error. Balance braces ourselves,
// ignoring comments and strings (blanked out, keeping line breaks so line numbers stay right).
for (const file of wxss) {
  const css = fs.readFileSync(path.join(root, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, (m) => m.replace(/[^\n]/g, ' '));
  const open = []; // line numbers of the '{' not yet closed
  let line = 1;
  for (const ch of css) {
    if (ch === '\n') line++;
    else if (ch === '{') open.push(line);
    else if (ch === '}') open.pop(); // a stray '}' is already a wcsc error
  }
  if (open.length) fail(`${file}:${open.at(-1)}: '{' is never closed`);
}

// ---- 3. Package sizes ------------------------------------------------------------------------
// Raw bytes of every file in dist (LICENSE.txt files included), which slightly overstates what
// DevTools uploads but is the safe side for a budget.
const sized = files.map((f) => ({ file: f, bytes: fs.statSync(path.join(root, f)).size }));
const inRoot = (f, r) => f.startsWith(`${r}/`);
const sum = (list) => list.reduce((n, f) => n + f.bytes, 0);
const sizes = {
  main: sum(sized.filter((f) => !subPackages.some((p) => inRoot(f.file, p.root)))),
  subPackages: Object.fromEntries(subPackages.map((p) => [p.root, sum(sized.filter((f) => inRoot(f.file, p.root)))])),
  total: sum(sized),
  largest: [...sized].sort((a, b) => b.bytes - a.bytes).slice(0, 5),
};
if (sizes.main > MAIN_BUDGET) fail(`main package is ${kb(sizes.main)}, over the ${kb(MAIN_BUDGET)} budget`);
for (const [r, bytes] of Object.entries(sizes.subPackages)) {
  if (bytes > SUB_LIMIT) fail(`sub-package ${r} is ${kb(bytes)}, over WeChat's ${kb(SUB_LIMIT)} limit`);
}

// ---- 4. Report -------------------------------------------------------------------------------
const row = (name, bytes) => say(`  ${name.padEnd(40)} ${kb(bytes).padStart(10)}`);
say(`weapp output: ${root}`);
say(`${allPages.length} page(s), ${subPackages.length} sub-package(s), ${files.length} files`);
say(`compiled ${files.filter((f) => /\.(wxml|wxs)$/.test(f)).length} .wxml/.wxs with wcc, ${wxss.length} .wxss with wcsc`);
say('sizes:');
row(`main package (budget ${kb(MAIN_BUDGET)})`, sizes.main);
for (const [r, bytes] of Object.entries(sizes.subPackages)) row(`sub-package ${r}`, bytes);
row('total', sizes.total);
say('largest files:');
for (const f of sizes.largest) row(f.file, f.bytes);
say();
if (errors.length) {
  say(`FAILED: ${errors.length} problem(s):`);
  for (const e of errors) say(`  - ${e}`);
} else {
  say('OK: pages, templates, styles and sizes all check out.');
}
if (asJson) {
  process.stdout.write(`${JSON.stringify({ ok: !errors.length, budget: MAIN_BUDGET, ...sizes, errors }, null, 2)}\n`);
}
process.exitCode = errors.length ? 1 : 0;
