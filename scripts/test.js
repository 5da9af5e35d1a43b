// `npm test`: every level (unit, integration, e2e) in one vitest run, against a fresh build.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ensureChromium } from './chromium.js';

const chromium = ensureChromium();
console.log(`Browser tests use ${chromium}`);

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

mkdirSync('test-results', { recursive: true });
const extra = process.argv.slice(2);
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/vitest.json',
    ...extra,
  ],
  { stdio: 'inherit', env: { ...process.env, CHROMIUM_PATH: chromium } },
);
process.exit(run.status ?? 1);
