import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Three levels, one runner: unit (pure domain), integration (real server, real clients),
// e2e (real Chromium against the built app). `npm test` runs them all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // The model-based tests run hundreds of command sequences: seconds alone, more on a
          // busy 2-core machine (vitest's 5 s default made them flaky there).
          testTimeout: 30_000,
          expect: { requireAssertions: true },
        },
      },
      {
        // The client classes (runes in .svelte.ts) run in Node against the real server.
        plugins: [svelte()],
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 20_000,
          expect: { requireAssertions: true, poll: { timeout: 5_000 } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A browser on a busy 2-core machine can take seconds to show what it was sent:
          // polls wait up to 10 s (a failure is only slower to report, never hidden).
          expect: { requireAssertions: true, poll: { timeout: 10_000 } },
          fileParallelism: false,
        },
      },
    ],
  },
});
