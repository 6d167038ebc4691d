import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'net', 'os', 'path', 'process', 'stream', 'timers', 'url', 'util', 'vm', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', '.weft/**', 'e2e/artifacts/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'bench/peers/.install/**', 'editor/storybook-static/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.ts', 'server/scripts/*.mjs', 'editor/public/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed deterministically inside Temporal's sandbox.
    files: ['workers/src/workflows/**/*.ts'],
    // Tests beside the workflow code are never bundled into it.
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'keep zod out of the workflow bundle' },
            { name: '@weft/nodes', message: 'workflow code may import node types only as types', allowTypeImports: true },
            { name: '@weft/nodes/executors', message: 'workflow code may import executors only as types', allowTypeImports: true },
            { name: '@weft/schemas', message: 'import @weft/schemas/graph, /run or /plan: the root pulls in zod', allowTypeImports: true },
            { name: '@weft/store', message: 'workflow code may import the store only as types', allowTypeImports: true },
            ...nodeBuiltins.map((name) => ({ name, message: 'no Node builtins in workflow code' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'no Node builtins in workflow code' },
            { group: ['../activities', '../activities.js', '../node-requests', '../node-requests.js'], message: 'workflow code imports activities and their requests as types only', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // The store sits below the server and the workers: it never imports them.
    files: ['store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@weft/server', '@weft/server/*', '**/server/src/**'], message: 'the store never imports the server' },
            { group: ['@weft/workers', '@weft/workers/*', '**/workers/src/**'], message: 'the store never imports the workers' },
          ],
        },
      ],
    },
  },
  {
    // Migrations are frozen: what they create must not change when the code around them does.
    files: ['store/src/migrations/2*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@weft/*', '../*', './*'], message: 'migrations never import app code' }] },
      ],
    },
  },
  {
    files: ['editor/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@weft/nodes/executors', message: 'executors are Node-only' },
            { name: '@weft/server', message: 'the editor may import the API only as types', allowTypeImports: true },
          ],
          patterns: [
            { group: ['@temporalio/*'], message: 'the editor never talks to Temporal' },
            { group: ['@weft/server/*'], message: 'nothing from the server internals in the editor' },
            { group: ['@weft/store', '@weft/store/*', '**/store/src/**'], message: 'the editor never reaches the database' },
            { group: ['node:*'], message: 'the editor runs in the browser' },
          ],
        },
      ],
    },
  },
);
