// Preloaded into the server by the bench (`node --expose-gc --import .../memprobe.js`): on
// SIGUSR2 it collects garbage and prints the heap's figures on one stdout line, so memory per
// phone is what live objects hold, not RSS (which keeps whatever the heap once grew to). With
// BENCH_HEAP_SNAPSHOT=<prefix> it also writes a heap snapshot, for a look at who holds what.
import v8 from 'node:v8';

let taken = 0;
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') {
    // Several passes: weak maps and finalizers free more on the next pass.
    for (let k = 0; k < 4; k++) globalThis.gc();
  }
  const m = process.memoryUsage();
  let snapshot = null;
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    snapshot = v8.writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOT}-${++taken}.heapsnapshot`);
  }
  const line = {
    gc: typeof globalThis.gc === 'function',
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    snapshot,
  };
  process.stdout.write(`bench-memory ${JSON.stringify(line)}\n`);
});
