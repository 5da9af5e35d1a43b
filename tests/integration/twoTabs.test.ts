import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveWorkshop } from '../../src/lib/client/live.svelte';
import { newRejoinCode } from '../../src/lib/client/opId';
import { createWorkshop, useTestServer } from './helpers';

/*
 * Two tabs of one phone: the same device token and the same outbox storage, each with its own
 * LiveWorkshop (the browser's client class, run in Node against the real server).
 */

const opened = new Set<LiveWorkshop>();
const server = useTestServer();
// registered after the server's: runs before it (hooks unwind like a stack)
afterEach(() => {
  for (const live of opened) live.close();
  opened.clear();
});

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('two tabs of one phone', () => {
  it('[R11] a tab opened before the other one joined becomes the participant when its own join says ALREADY_JOINED, and its notes go out once', async () => {
    const { url, realtime } = server.current;
    const { joinCode, workshopId } = await createWorkshop(url);
    const token = randomBytes(16).toString('base64url');
    const storage = memoryStorage();
    const tab = () => {
      const live = new LiveWorkshop(
        { code: joinCode, as: 'participant', token },
        {
          origin: url,
          WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
          outboxKey: 'cocrea:outbox:two-tabs',
          storage,
        },
      );
      opened.add(live);
      return live;
    };
    const first = tab();
    const second = tab();
    await expect.poll(() => first.welcome?.role).toBe('nobody');
    await expect.poll(() => second.welcome?.role).toBe('nobody');

    const joined = await first.send({
      type: 'joinWorkshop',
      name: 'Ana',
      sector: null,
      rejoinCode: newRejoinCode(),
    });
    expect(joined.ok).toBe(true);
    // The second tab still shows the join form; the person fills it in again.
    const again = await second.send({
      type: 'joinWorkshop',
      name: 'Ana',
      sector: null,
      rejoinCode: newRejoinCode(),
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'ALREADY_JOINED' } });
    await expect.poll(() => second.welcome?.role).toBe('participant');
    await expect.poll(() => second.snapshot('private').me?.name).toBe('Ana');

    const state = realtime.rooms.get(workshopId)!.durable;
    const boardId = state.stages.define.boardIds[0]!;
    const columnId = state.boards[boardId]!.columns[0]!.id;
    second.queue({ type: 'addNote', boardId, columnId, text: 'depuis le second onglet' });
    await expect.poll(() => second.delivered).toBe(1);
    const notes = Object.values(realtime.rooms.get(workshopId)!.durable.notes);
    expect(notes.map((n) => n.text)).toEqual(['depuis le second onglet']);
    expect(Object.keys(realtime.rooms.get(workshopId)!.durable.participants)).toHaveLength(1);
  });
});
