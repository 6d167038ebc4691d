import { defineConfig } from 'vitest/config';

const workspaces = '{schemas,nodes,store,workers,server,editor}';

export default defineConfig({
  test: {
    // Request lines would bury the test output; tests that read a spawned process's log set their own level.
    env: { WEFT_LOG_LEVEL: 'warn' },
    projects: [
      {
        test: {
          name: 'unit',
          // Plugin packages (the examples, and those `weft node new` writes under plugins/) too.
          include: [`${workspaces}/src/**/*.test.{ts,tsx}`, '{examples,plugins}/*/src/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**', '**/dist/**'],
          setupFiles: ['./server/src/testing/quiet-log.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [`${workspaces}/src/**/*.integration.test.ts`],
          exclude: ['**/node_modules/**', '**/dist/**'],
          pool: 'forks',
          globalSetup: ['./server/src/testing/temporal-global-setup.ts'],
          setupFiles: ['./server/src/testing/quiet-log.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
