import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The little of webpack's types this plugin reads. */
interface Compilation {
  chunkGroups: { isInitial(): boolean; origins: { request?: string | null }[]; chunks: { files: Set<string> }[] }[];
  outputOptions: { path?: string; publicPath?: unknown };
}
interface Compiler {
  hooks: { afterEmit: { tap(name: string, fn: (compilation: Compilation) => void): void } };
}

/** The page a browser opens at `/` with no hash: the first in app.config.ts. */
const ENTRY_PAGE = 'pages/home/index';

/**
 * The H5 build loads each page's script when its router gets there, that is after the app's own
 * scripts have arrived and run: on a weak network one more round trip before the first screen.
 * This writes into index.html which files each page needs (its chunk's script and stylesheet)
 * and a line that asks for the opened page's files at once (`<link rel=preload>`), beside the
 * app's scripts; the router then finds them already fetched.
 */
export class PreloadPages {
  apply(compiler: Compiler) {
    compiler.hooks.afterEmit.tap('PreloadPages', (compilation) => {
      const pages: Record<string, string[]> = {};
      for (const group of compilation.chunkGroups) {
        if (group.isInitial()) continue;
        for (const origin of group.origins) {
          const page = /^\.\/((?:package-org\/)?pages\/.+\/index)$/.exec(origin.request ?? '')?.[1];
          if (page) pages[page] = group.chunks.flatMap((chunk) => [...chunk.files]).filter((f) => /\.(js|css)$/.test(f));
        }
      }
      const html = join(compilation.outputOptions.path ?? '', 'index.html');
      const script =
        `<script data-preload-pages>(function(pages){var page=(location.hash.match(/^#\\/?([^?]*)/)||[])[1]||${JSON.stringify(ENTRY_PAGE)};` +
        `(pages[page]||[]).forEach(function(file){var link=document.createElement('link');link.rel='preload';` +
        `link.as=/\\.css$/.test(file)?'style':'script';link.href='/'+file;document.head.appendChild(link)})})(${JSON.stringify(pages)})</script>`;
      // Once: a watching build may emit again without writing index.html anew.
      const page = readFileSync(html, 'utf8').replace(/<script data-preload-pages>.*?<\/script>/, '');
      writeFileSync(html, page.replace('</head>', `${script}</head>`));
    });
  }
}
