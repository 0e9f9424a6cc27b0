import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Vitest's default (cores − 1) runs the files one at a time on a 2-core machine, where the
    // suite's long files (the PyTorch conv fixtures, the threads and Chromium suites) wait on each
    // other: two files at a time took the suite from 300 s to 171 s here, every test passing
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // the JSON report lets .ci/run print a one-line "N passed, N failed" summary
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
