// typescript-eslint's recommended rules over the TypeScript and JavaScript of the repository; the
// AssemblyScript kernels (assembly/) are checked by their own compiler, asc. In TypeScript files
// tsc checks names (typescript-eslint turns no-undef off there); the plain JavaScript files get
// the globals of where they run: Node for scripts and config, the browser for the web page.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'assembly/',
      'dist/',
      'build/',
      'node_modules/',
      'docs/api/',
      'examples/web/dist/',
      'test-results/',
      'scratch/',
      '**/*.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // an unused binding named _x is deliberate (a skipped tuple item, a parameter kept for its position)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['examples/web/**/*.js', 'tests/browser/fixtures/**/*.js'],
    ignores: ['examples/web/scripts/**'],
    languageOptions: { globals: globals.browser },
  },
);
