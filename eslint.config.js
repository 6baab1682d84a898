import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const tfjs = { group: ['@tensorflow/*'], message: 'Only src/models may import tfjs.' };

/** Every layer above `layer` in the stack core → protocol → models → workers → compute → state → ui. */
const LAYERS = ['core', 'protocol', 'models', 'workers', 'compute', 'state', 'ui'];
/** Import patterns of a layer: its folder's files and its index. */
const layer = (...names) => names.flatMap((name) => [`**/${name}/**`, `**/${name}`]);
const above = (name) => layer(...LAYERS.slice(LAYERS.indexOf(name) + 1));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  // The layers and what each may import (docs/architecture.md draws the same map). Imports are checked by path
  // pattern; tests/unit/layering.test.ts breaks each rule on purpose and expects it to fire.
  {
    // The pure core: no DOM frameworks, no d3-selection, no tfjs, nothing from the layers above it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'd3', 'd3-selection', 'zustand'].map((name) => ({ name, message: 'src/core is pure TypeScript.' })),
        patterns: [tfjs, { group: ['react-dom/*', 'zustand/*', ...above('core')], message: 'src/core imports only src/core.' }],
      }],
    },
  },
  {
    // The protocol layer: message types and shared lists, read by page, workers and models alike.
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'd3', 'zustand'].map((name) => ({ name, message: 'src/protocol is types and lists only.' })),
        patterns: [tfjs, { group: above('protocol'), message: 'src/protocol imports only src/core and itself.' }],
      }],
    },
  },
  {
    files: ['src/models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'zustand'].map((name) => ({ name, message: 'Models have no UI.' })),
        patterns: [{ group: layer('workers', 'compute', 'ui', 'state'), message: 'src/models imports only src/core, src/protocol and tfjs.' }],
      }],
    },
  },
  {
    // The page side of the workers: the client and its request helpers. It starts workers by URL, never imports them.
    files: ['src/compute/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom'].map((name) => ({ name, message: 'src/compute is React-free; hooks live in src/ui/hooks.' })),
        patterns: [tfjs, { group: layer('models', 'workers', 'ui'), message: 'The page reaches the workers through messages: src/compute imports src/protocol, src/core and the store type.' }],
      }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [tfjs, { group: layer('models', 'workers'), message: 'The page talks to workers and models only through src/compute and src/protocol.' }],
      }],
    },
  },
  {
    files: ['src/workers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [tfjs, { group: ['react', 'react-dom', ...layer('ui', 'state', 'compute')], message: 'Workers have no UI and do not call themselves through the page client.' }] }] },
  },
);
