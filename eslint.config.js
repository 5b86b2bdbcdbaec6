import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'drizzle/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Plain scripts and tool configs run on Node.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['apps/miniapp/babel.config.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  // The dependency rule (STYLE.md), enforced: the domain imports nothing outside itself; the
  // contracts only TypeBox and the domain; drizzle, the drivers and SQL only in packages/db; the
  // apps never import each other.
  {
    files: ['packages/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\.)', message: 'packages/domain is pure: it imports only its own files (no framework, database, UI or Node).' }] }],
    },
  },
  {
    files: ['packages/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\.|typebox$|@minhu/domain$)', message: 'packages/contracts holds schemas: only TypeBox, the domain and its own files.' }] },
      ],
    },
  },
  {
    files: ['apps/**/*.{ts,tsx}'],
    ignores: ['apps/*/config/**', 'apps/*/scripts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(drizzle-orm|postgres|@electric-sql/pglite)(/|$)', message: 'SQL and the database drivers live in packages/db: add a repository method there.' },
            { regex: '(^@minhu/(api|miniapp)$)|(/apps/)|(^\\.\\./\\.\\./(api|miniapp)/)', message: 'The apps never import each other: share through packages/.' },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON replies loosely; the assertions are the types.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
