import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      { extends: true, test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'component', environment: 'jsdom', include: ['tests/component/**/*.test.{ts,tsx}'], setupFiles: ['tests/component/setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e', environment: 'node', include: ['tests/e2e/**/*.e2e.test.ts'], globalSetup: ['tests/e2e/globalSetup.ts'],
          fileParallelism: false, testTimeout: 60_000, hookTimeout: 120_000,
        },
      },
    ],
  },
});
