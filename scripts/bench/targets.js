// The targets of issue 12, next to the figures they judge.
import { figure, round } from './lib.js';

/**
 * Fan-out and ack against the relay's in the same run; memory against 30 KB a phone (what the
 * phones hold alive in the server: JS heap and external memory after a full GC, see lib.js).
 */
export function roomTargets(cocrea, relay, fsync) {
  const ackBound = round(relay.ackMs.p50 + fsync, 1);
  return {
    fanOutP99Ms: figure(
      cocrea.fanOutMs.p99,
      `≤ ${relay.fanOutMs.p99} (relay p99)`,
      cocrea.fanOutMs.p99 <= relay.fanOutMs.p99,
    ),
    fanOutP50Ms: figure(
      cocrea.fanOutMs.p50,
      `relay p50 ${relay.fanOutMs.p50} (shown, no target)`,
      null,
    ),
    ackP50Ms: figure(
      cocrea.ackMs.p50,
      `≤ ${ackBound} (relay ack p50 ${relay.ackMs.p50} + fsync ${fsync})`,
      cocrea.ackMs.p50 <= ackBound,
    ),
    serverKbPerPhone: figure(
      cocrea.kbPerPhone,
      '≤ 30 (relay: ' + relay.kbPerPhone + ')',
      cocrea.kbPerPhone <= 30,
    ),
    everyArrival: figure(
      cocrea.fanOutMs.arrived,
      `= ${cocrea.fanOutMs.expected}`,
      cocrea.fanOutMs.arrived === cocrea.fanOutMs.expected,
    ),
  };
}
