import path from 'node:path';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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
        const seen = new Set<string>([entry.fileName, ...entry.imports]); // static imports: Vite lists those
        const files: string[] = [];
        const visit = (file: string) => {
          if (seen.has(file)) return;
          seen.add(file);
          const chunk = bundle[file];
          if (chunk?.type !== 'chunk') return;
          files.push(file);
          chunk.imports.forEach(visit);
        };
        entry.dynamicImports.forEach(visit);
        const tags: HtmlTagDescriptor[] = files.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` }, injectTo: 'head' }));
        // The analysis worker the entry would start (its file, as the entry names it next to itself): started by
        // the page as it parses, the worker's thread start and module load (a few hundred ms on a busy two-core
        // machine) overlap the app's download instead of following it; src/compute/client.ts takes it over.
        const worker = /["'`]([\w.-]*analysis\.worker-[\w-]+\.js)["'`]/.exec(entry.code)?.[1];
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

export default defineConfig({
  base: './',
  plugins: [react(), startUpTags()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4000 },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
