// @ts-check
const tseslint = require('typescript-eslint');

const NODE_BUILTINS = require('node:module').builtinModules;

module.exports = tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '.data/**',
      '.tools/**',
      '**/dist/**',
      'coverage/**',
      'infra/bootstrap.js',
      'eslint.config.js',
      'jest.config.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: __dirname } },
    rules: {
      // "Forgetting to await Activities and Workflow APIs is bad."
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Prettier wraps code at 140; what it cannot wrap (a long string, a URL, a regex) may reach 160, no further.
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no services' code.
    // Its tests (*.workflow.test.ts beside it) run in Node and start a test server.
    files: ['workflows/src/workflows/**/*.ts'],
    ignores: ['workflows/src/workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({
            name,
            message: 'Node builtins are not allowed in workflow code',
          })),
          patterns: [
            {
              group: ['@fund/shared/server', '@temporalio/activity', '@temporalio/worker', '@temporalio/client'],
              message: 'workflow code may import @temporalio/workflow and @fund/shared only',
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
);
