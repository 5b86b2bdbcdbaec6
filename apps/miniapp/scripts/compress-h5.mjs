#!/usr/bin/env node
// Compresses the H5 build once, at build time: beside every text file (html, js, css, json, svg,
// txt) a `.br` (brotli, best) and a `.gz` (gzip, best), which the API sends as they are to a
// browser that accepts them (@fastify/static `preCompressed`, apps/api/src/plugins/web.ts).
// A compressed copy that would not be smaller is not written (the server then sends the file).
// Usage: node scripts/compress-h5.mjs [dist/h5]
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const TEXT = /\.(html|js|css|json|svg|txt|map)$/;

/** Writes `<file>.br` and `<file>.gz` for every text file under `root`; returns what it wrote. */
export function compressTree(root) {
  const written = [];
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !TEXT.test(entry.name)) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const raw = fs.readFileSync(file);
    const br = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = zlib.gzipSync(raw, { level: zlib.constants.Z_BEST_COMPRESSION });
    for (const [ext, bytes] of [['.br', br], ['.gz', gz]]) {
      const target = file + ext;
      if (bytes.length < raw.length) {
        fs.writeFileSync(target, bytes);
        written.push({ file: path.relative(root, target), bytes: bytes.length, raw: raw.length });
      } else {
        fs.rmSync(target, { force: true });
      }
    }
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(process.argv[2] ?? path.join(here, '..', 'dist', 'h5'));
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    process.stderr.write(`No index.html in ${root}: build first (npm run build:h5).\n`);
    process.exit(1);
  }
  const written = compressTree(root);
  const sum = (ext) => written.filter((w) => w.file.endsWith(ext)).reduce((n, w) => n + w.bytes, 0);
  const files = new Set(written.map((w) => w.file.replace(/\.(br|gz)$/, ''))).size;
  process.stdout.write(`compressed ${files} files: brotli ${(sum('.br') / 1024).toFixed(1)} KiB, gzip ${(sum('.gz') / 1024).toFixed(1)} KiB\n`);
}
