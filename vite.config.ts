import { createHash } from 'node:crypto';
import path from 'node:path';
import { defineConfig, type HtmlTagDescriptor, type Plugin, type Rolldown } from 'vite';
import react from '@vitejs/plugin-react';

type OutputChunk = Rolldown.OutputChunk;

/**
 * The entry (src/main.tsx) is small: it starts the image fetch and the analysis worker, then imports the React app.
 * This lists the chunks it imports that way (and what they import) as <link rel="modulepreload"> in the page, so
 * they download and compile alongside the entry instead of after it has run. Chunks the app itself loads later
 * (the Patch and Diffusion panels, the models) are not listed. It also starts the analysis worker from the page.
 */
function startUpTags(): Plugin {
  let base = './';
  return {
    name: 'start-up-tags',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { chunk: entry, bundle }) {
        if (!entry || !bundle) return;
        // Chunks reachable from `roots` by static imports, except those in `seen` (which this adds them to).
        const reachable = (roots: readonly string[], seen: Set<string>): OutputChunk[] => {
          const out: OutputChunk[] = [];
          const visit = (file: string) => {
            const chunk = bundle[file];
            if (seen.has(file) || chunk?.type !== 'chunk') return;
            seen.add(file);
            out.push(chunk);
            chunk.imports.forEach(visit);
          };
          roots.forEach(visit);
          return out;
        };
        // Vite lists the entry's static imports itself.
        const preloads = reachable(entry.dynamicImports, new Set([entry.fileName, ...entry.imports]));
        const tags: HtmlTagDescriptor[] = preloads.map(({ fileName }) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${fileName}` }, injectTo: 'head' }));
        // The analysis worker the entry would start: started by the page as it parses, the worker's thread start and
        // module load (a few hundred ms on a busy two-core machine) overlap the app's download instead of following
        // it; src/compute/client.ts takes it over. Its file is named in the entry or in a chunk the entry imports
        // statically (the compute client's), all in one folder.
        const startUp = [entry, ...reachable(entry.imports, new Set([entry.fileName]))];
        const worker = startUp.map(({ code }) => /["'`]([\w.-]*analysis\.worker-[\w-]+\.js)["'`]/.exec(code)?.[1]).find(Boolean);
        if (worker) {
          const url = JSON.stringify(`${base}${path.posix.dirname(entry.fileName)}/${worker}`);
          tags.unshift({
            tag: 'script',
            children: `try { const w = new Worker(${url}, { type: 'module' }); w.addEventListener('error', () => { w.failed = true; }); window.__analysisWorker = w; } catch {}`,
            injectTo: 'head-prepend',
          });
        }
        return tags;
      },
    },
  };
}

/**
 * The built page's Content-Security-Policy, as a meta tag: scripts only from this origin plus the page's own inline
 * scripts (by hash, computed from the final HTML), WebAssembly compilation for the wasm backend
 * ('wasm-unsafe-eval', the one exception to no eval), connections, workers and fonts only to this origin, no
 * plugins. Styles allow inline style attributes, which d3 and React set. Built pages only: the dev server injects
 * its own scripts.
 */
export function contentSecurityPolicy(scriptHashes: string[]): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.map((h) => `'sha256-${h}'`).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}

function securityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => createHash('sha256').update(m[1]).digest('base64'));
        const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(hashes)}" />`;
        return html.replace(/<head>/, `<head>\n    ${meta}`);
      },
    },
  };
}

/**
 * tfjs-backend-wasm starts each thread of its multi-threaded binary from the source text of the binary's JavaScript
 * factory (`factory.toString()`, put in a Blob). A minifier renames the variables that text shares with its
 * enclosing scope, so the threads fail ("e is not defined"). This gives the factory its original text back: the
 * minified code still runs on the page's side, the threads get the source as published.
 */
export function wasmThreadSource(): Plugin {
  const FILE = 'tfjs-backend-wasm-threaded-simd.js';
  return {
    name: 'wasm-thread-source',
    transform(code, id) {
      if (!id.endsWith(`wasm-out/${FILE}`)) return null;
      const start = code.indexOf('function(WasmBackendModuleThreadedSimd)');
      const end = code.lastIndexOf('\n);\n})();');
      if (start < 0 || end < start) throw new Error(`${FILE} no longer has the shape this plugin expects: check the threaded wasm backend`);
      const source = code.slice(start, end);
      const restore = `\nWasmBackendModuleThreadedSimd.toString = () => ${JSON.stringify(source)};\n`;
      const at = code.indexOf('if (typeof exports', end);
      return { code: code.slice(0, at) + restore + code.slice(at), map: null };
    },
  };
}

/**
 * Cross-origin isolation: with these two headers the page may share memory with its workers, so the wasm backend
 * may run its multi-threaded binary (on devices with at least four logical cores, see src/models/wasmPaths.ts).
 * A static host sends the same headers from its own configuration (docs/architecture.md, "Threads").
 */
const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  base: './',
  plugins: [react(), startUpTags(), securityPolicy(), wasmThreadSource()],
  worker: { format: 'es', plugins: () => [wasmThreadSource()] },
  // Fonts (KaTeX's) stay files: inlined as data: URLs, the Content-Security-Policy (default-src 'self') refuses them.
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4000, assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined) },
  preview: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION },
  server: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION },
});
