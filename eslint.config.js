// typescript-eslint's recommended rules over the TypeScript and JavaScript of the repository; the
// AssemblyScript kernels (assembly/) are checked by their own compiler, asc.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['assembly/', 'dist/', 'build/', 'node_modules/', 'examples/web/dist/', 'test-results/', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', performance: 'readonly' } },
    rules: {
      // an unused binding named _x is deliberate (a skipped tuple item, a parameter kept for its position)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
);
