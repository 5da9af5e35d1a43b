// `npm run backup|restore|verify -- DIR`: the bundled CLI (dist/cocrea.js), or one line saying
// how to get it. No build here: a build while the server runs would replace the files it serves.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const cli = new URL('../dist/cocrea.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('cocrea: dist/cocrea.js is missing: run `npm run build` first (npm start builds).');
  process.exit(1);
}
const run = spawnSync(process.execPath, [cli.pathname, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
