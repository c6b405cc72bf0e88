// @ts-check
import js from '@eslint/js';
import neverthrow from 'eslint-plugin-neverthrow';
import tseslint from 'typescript-eslint';

// eslint-plugin-neverthrow 1.x was written for ESLint 8: it reads `context.parserServices` and
// calls `context.getScope()`, which ESLint 9 moved to `context.sourceCode`. Hand the rule a
// context that still has both.
const mustUseResult = neverthrow.rules['must-use-result'];
const neverthrowCompat = {
  rules: {
    'must-use-result': {
      ...mustUseResult,
      create(context) {
        let current;
        const legacy = Object.create(context, {
          parserServices: { value: context.sourceCode.parserServices },
          getScope: { value: () => context.sourceCode.getScope(current) },
        });
        const listeners = mustUseResult.create(legacy);
        return Object.fromEntries(Object.entries(listeners).map(([selector, listener]) => [selector, (node) => ((current = node), listener(node))]));
      },
    },
  },
};

export default tseslint.config(
  // scripts/consumer runs in a scratch project against the packed packages, and is type-checked there
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.kubeception/**', 'scripts/consumer/**', 'docs/api/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { neverthrow: neverthrowCompat },
    rules: {
      'neverthrow/must-use-result': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests (and benchmarks) assert on Results with expect(result.isOk()) or unwrap them.
    files: ['**/*.test.ts', '**/*.test-d.ts', 'tests/src/conformance/**', 'bench/**'],
    rules: { 'neverthrow/must-use-result': 'off' },
  },
  {
    // A cast to `never` silences any mismatch, such as client-node's models (`Date`s, `_from`) against the SDK's JSON types.
    files: ['packages/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-d.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'TSAsExpression > TSNeverKeyword', message: 'no `as never`: type the seam (issue 21)' }],
    },
  },
  {
    // Functions fit on a screen (issue 21): a step that needs more is split into named stages.
    // Every package's and example's source, this repository's suites' worlds and helpers, the bench
    // and the scripts; test files (a describe block is a list of cases) are exempt.
    files: ['packages/*/src/**/*.ts', 'examples/*/src/**/*.ts', 'tests/src/**/*.ts', 'bench/**/*.ts', 'scripts/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-d.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
