// The JavaScript a phone downloads for the participant page, gzipped: the route's own chunks
// plus everything they import, read from the client build's Vite manifest.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const CLIENT = '.svelte-kit/output/client';

export function participantBundle() {
  const manifest = JSON.parse(readFileSync(path.join(CLIENT, '.vite/manifest.json'), 'utf8'));
  // The route's node numbers (layout first), from the generated client app.
  const app = readFileSync('.svelte-kit/generated/client-optimized/app.js', 'utf8');
  const match = /"\/join\/\[code\]":\s*\[([^\]]*)\]/.exec(app);
  if (!match) throw new Error('participant route not found in the client build');
  const nodes = ['0', ...match[1].split(',').map((n) => n.trim().replace(/^~/, ''))];
  const roots = Object.keys(manifest).filter(
    (key) =>
      manifest[key].isEntry &&
      (!key.includes('/nodes/') || nodes.some((n) => key.endsWith(`/nodes/${n}.js`))),
  );
  const seen = new Set();
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const dep of manifest[key].imports ?? []) visit(dep);
  };
  roots.forEach(visit);
  let bytes = 0;
  for (const key of seen) {
    const file = manifest[key].file;
    if (file.endsWith('.js')) bytes += gzipSync(readFileSync(path.join(CLIENT, file))).length;
  }
  return { gzipKb: Number((bytes / 1024).toFixed(1)), files: seen.size };
}
