import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits or handles is a lost error, or a lost ordering.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['vitest.config.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './test/e2e/tsconfig.json', './packages/sdk/tsconfig.json', './packages/workbench/tsconfig.json', './packages/phone/tsconfig.json', './packages/console/tsconfig.json', './examples/crm/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['packages/sdk/src/**', 'packages/workbench/src/**', 'packages/phone/src/**', 'packages/console/src/**', 'examples/crm/public/**', 'test/e2e/pages/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The host-page SDK reports integration mistakes on the page's console by design.
    files: ['packages/sdk/src/**', 'packages/workbench/src/**', 'packages/phone/src/**', 'packages/console/src/**'],
    rules: { 'no-console': ['error', { allow: ['error', 'warn'] }] },
  },
  {
    files: ['bench/**', '**/*.test.ts', 'test/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
