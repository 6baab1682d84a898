import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const tfjs = { group: ['@tensorflow/*'], message: 'Only src/models (and the worker that hosts it) may import tfjs.' };

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
  {
    // The pure core: no DOM frameworks, no d3-selection, no tfjs, nothing from the layers above it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['react', 'react-dom', 'd3', 'd3-selection', 'zustand'].map((name) => ({ name, message: 'src/core is pure TypeScript.' })),
        patterns: [tfjs, { group: ['react-dom/*', 'zustand/*', '**/ui/**', '**/state/**', '**/models/**', '**/workers/**'], message: 'src/core imports only src/core.' }],
      }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [tfjs, { group: ['**/models/**'], message: 'The UI talks to models through the worker client only.' }] }] },
  },
  {
    files: ['src/workers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [tfjs, { group: ['react', 'react-dom', '**/ui/**', '**/state/**'], message: 'Workers have no UI.' }] }] },
  },
);
