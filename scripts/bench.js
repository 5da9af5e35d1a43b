// `npm run bench`: the built server (dist/server.js) under load from simulated phones, on
// 127.0.0.1, server pinned to core 0 and the bench to core 1 where `taskset` exists. Prints one
// JSON object; every figure sits next to its target from issue 12.
//   --scenario today|many|relay|caps|storm|throughput|firstscreen|exports|all (comma-separated; default
//     `today,firstscreen`, about two minutes on 2 cores)
//   --seconds S (steady phases, 10)   --rate R (notes per second, 20)   --repeat N (1)
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { counters, fsyncMs, HAS_TASKSET, pinBenchProcess, requireBuild } from './bench/lib.js';
import { participantBundle } from './pageWeight.js';
import { fanOut } from './bench/room.js';
import { roomTargets } from './bench/targets.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'today,firstscreen' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '1' },
  },
});
const ALL = ['today', 'many', 'caps', 'storm', 'throughput', 'firstscreen', 'exports'];
const wanted = values.scenario.split(',').flatMap((s) => (s === 'all' ? ALL : [s.trim()]));
for (const s of wanted) {
  if (![...ALL, 'relay'].includes(s)) {
    console.error(
      `unknown scenario "${s}" (today, many, relay, caps, storm, throughput, firstscreen, exports, all)`,
    );
    process.exit(2);
  }
}
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const REPEAT = Number(values.repeat);

requireBuild();
process.setMaxListeners(0); // y-websocket adds an exit listener per provider in Node
const pinned = pinBenchProcess();

let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  // The build is of the working tree: say when it held uncommitted changes.
  const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean).length;
  if (changed) commit += ` + ${changed} uncommitted files`;
} catch {
  // not a git checkout
}
const out = {
  commit,
  node: process.version,
  pinned: { server: HAS_TASKSET ? 'core 0' : 'no taskset', bench: pinned ? 'core 1' : 'unpinned' },
  fsyncMs: fsyncMs(),
  scenarios: {},
};
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

/** Rooms measured on cocrea and on the relay, one after the other, `REPEAT` times. */
async function sideBySide(name, shape, { relayOnly = false } = {}) {
  const runs = [];
  for (let k = 0; k < REPEAT; k++) {
    const relay = await fanOut({ target: 'relay', ...shape, rate: RATE, seconds: SECONDS });
    log(`${name}: relay done`);
    const cocrea = relayOnly
      ? null
      : await fanOut({ target: 'cocrea', ...shape, rate: RATE, seconds: SECONDS });
    if (cocrea) log(`${name}: cocrea done`);
    runs.push({
      relay,
      cocrea,
      ...(cocrea ? { targets: roomTargets(cocrea, relay, out.fsyncMs) } : {}),
    });
  }
  out.scenarios[name] = REPEAT === 1 ? runs[0] : runs;
}

const relayOnly = wanted.includes('relay') && !wanted.includes('today') && !wanted.includes('many');
if (wanted.includes('today') || relayOnly) {
  await sideBySide(
    'today: 1 room × 200 phones',
    { rooms: 1, phonesPerRoom: 200, fullPhones: 5 },
    { relayOnly },
  );
}
if (wanted.includes('many') || relayOnly) {
  await sideBySide('1 room × 500 thin phones', { rooms: 1, phonesPerRoom: 500 }, { relayOnly });
  await sideBySide('20 rooms × 25 phones', { rooms: 20, phonesPerRoom: 25 }, { relayOnly });
}
if (wanted.includes('caps') || wanted.includes('storm')) {
  const { capsAndStorm } = await import('./bench/caps.js');
  out.scenarios['room at the caps'] = await capsAndStorm({
    caps: wanted.includes('caps'),
    storm: wanted.includes('storm'),
    rate: RATE,
    seconds: SECONDS,
    log,
  });
}
if (wanted.includes('throughput')) {
  const { throughput } = await import('./bench/throughput.js');
  out.scenarios.throughput = await throughput({ log });
}
if (wanted.includes('firstscreen')) {
  const { firstScreen } = await import('./bench/firstscreen.js');
  out.scenarios['first screen'] = await firstScreen({ log });
}
if (wanted.includes('exports')) {
  const { exportsAtCaps } = await import('./bench/exports.js');
  out.scenarios['exports at the caps'] = await exportsAtCaps({ log });
}
out.participantPageJsGzipKb = participantBundle().gzipKb;
out.rateLimitedRetries = counters.rateLimited;
console.log(JSON.stringify(out, null, 2));
process.exit(0);
