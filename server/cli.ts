/*
 * `cocrea backup DIR`, `cocrea restore DIR`, `cocrea verify DIR` (bundled to dist/cocrea.js;
 * `npm run backup -- DIR`, `npm run restore -- DIR`). DATA_DIR as for the server (./data).
 * Exit 0 when done, 1 on a failure (one message), 2 on a usage error.
 */
import path from 'node:path';
import { backupDataDir, BackupError, restoreDataDir, verifyDataDir } from './backup';
import { DataFormatError } from './store/format';
import { DamagedLogError } from './store/logCodec';

const USAGE = `usage: cocrea backup DIR    copy every workshop of DATA_DIR into DIR (empty or new), while the server runs
       cocrea restore DIR   restore the backup in DIR into DATA_DIR (empty; the server stopped)
       cocrea verify DIR    check a backup (or a stopped server's DATA_DIR) without changing it
DATA_DIR is read from the environment, as by the server (default ./data).`;

const [command, dir, ...rest] = process.argv.slice(2);
const dataDir = path.resolve(process.env.DATA_DIR || './data');

if (!command || !dir || rest.length > 0 || !['backup', 'restore', 'verify'].includes(command)) {
  console.error(USAGE);
  process.exit(2);
}

try {
  if (command === 'backup') {
    console.log(`backup of ${dataDir} into ${path.resolve(dir)}`);
    await backupDataDir(dataDir, dir);
  } else if (command === 'restore') {
    console.log(`restore of ${path.resolve(dir)} into ${dataDir}`);
    await restoreDataDir(dir, dataDir);
  } else {
    const report = await verifyDataDir(dir);
    for (const w of report.workshops) console.log(`  ${w.id}  ok  ${w.seq} records`);
    console.log(
      `verify: ${report.workshops.length} workshops (format version ${report.version}) in ` +
        `${path.resolve(dir)} rebuild without a problem`,
    );
  }
} catch (error) {
  if (
    error instanceof BackupError ||
    error instanceof DataFormatError ||
    error instanceof DamagedLogError
  ) {
    console.error(`cocrea ${command} failed: ${error.message}`);
  } else {
    console.error(`cocrea ${command} failed:`, error);
  }
  process.exit(1);
}
