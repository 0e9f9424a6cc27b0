import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the JSON report lets .ci/run print a one-line "N passed, N failed" summary
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
