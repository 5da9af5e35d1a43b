// Find Debian's Chromium for the browser tests; install it when we may, never download a build.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const INSTALL = 'apt-get update && apt-get install -y chromium';

/** @returns {string[]} */
function candidates() {
  const fromEnv = process.env.CHROMIUM_PATH;
  return [...(fromEnv ? [fromEnv] : []), '/usr/bin/chromium', '/usr/bin/chromium-browser'];
}

/** The path of a Chromium binary; installs Debian's package when root with apt, else exits. */
export function ensureChromium() {
  const found = candidates().find((p) => existsSync(p));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log(`Chromium not found: installing Debian's package (${INSTALL})`);
    execSync(INSTALL, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  console.error(
    `The browser tests need Chromium. Install it with:\n  sudo sh -c '${INSTALL}'\n` +
      'or set CHROMIUM_PATH to a Chromium binary.',
  );
  process.exit(1);
}
