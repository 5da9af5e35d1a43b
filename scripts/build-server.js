// Bundle the server entry (TypeScript, importing the domain) into plain JavaScript for Node 20+.
import { build } from 'esbuild';

await build({
  entryPoints: ['server/index.ts'],
  outfile: 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// The operator's command: backup, restore, verify (`npm run backup -- DIR`, `node dist/cocrea.js`).
await build({
  entryPoints: ['server/cli.ts'],
  outfile: 'dist/cocrea.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
console.log('server bundled to dist/server.js, backup and restore to dist/cocrea.js');
