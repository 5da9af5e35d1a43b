import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../server/app';
import { closeClients, connect, createWorkshop, hello } from './helpers';
import { startTrustServer } from './scene';

/*
 * What a stranger can make the server keep or write: log lines, connections, tickets. Each test
 * runs its own server on 127.0.0.1 and stays within a few hundred requests.
 */

let server: RunningServer | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  closeClients();
  await server?.close();
  server = null;
});

async function start(options: Parameters<typeof startTrustServer>[0] = {}) {
  server = await startTrustServer(options);
  return server;
}

describe('what a stranger sends is not written to the log', () => {
  it('[X36] events named "error" from a client write no log line; the connection is kept and served', async () => {
    const { url } = await start();
    const { joinCode } = await createWorkshop(url);
    const projector = await connect(url, { code: joinCode, as: 'projector' });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < 200; i++) {
      projector.emit('error', { name: 'Error', message: `line ${i}` });
      projector.emit('error', `line ${i}`, () => {});
    }
    // A hello after them: the server has read every one of them by the time it answers.
    expect((await hello(projector)).role).toBe('projector');
    expect(projector.connected).toBe(true);
    expect(logged).not.toHaveBeenCalled();
  });
});
