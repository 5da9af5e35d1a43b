import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack } from '../../src/lib/protocol/ack';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { connect, createWorkshop, joinAs, sendOk, useTestServer } from './helpers';

/*
 * Downloads over the real server: a console asks over its socket for a single-use link, the
 * browser fetches it. Nobody but whoever runs the room gets one; no secret is in a file.
 */

let clock = Date.now();

async function ask(
  socket: Socket,
  format: string,
): Promise<Ack<{ path: string; filename: string }>> {
  return (await socket
    .timeout(5000)
    .emitWithAck('export', { v: PROTOCOL_VERSION, format })) as Ack<{
    path: string;
    filename: string;
  }>;
}

describe('exports over real transports', () => {
  const server = useTestServer({ now: () => clock });

  it('[EX30] whoever runs the room downloads each format once per link; the files hold the workshop and no secret; everyone else is refused', async () => {
    const { url } = server.current;
    const w = await createWorkshop(url, { title: 'Atelier : santé & familles' });
    const console_ = await connect(url, { workshopId: w.workshopId, key: w.facilitatorKey });
    const phone = await joinAs(url, w.joinCode, 'Aline');
    const state = server.current.realtime.rooms.get(w.workshopId)!.durable;
    const boardId = state.stages.define.boardIds[0]!;
    const columnId = state.boards[boardId]!.columns[0]!.id;
    await sendOk(phone.socket, { type: 'addNote', boardId, columnId, text: '=HYPERLINK("x")' });

    for (const [format, type] of [
      ['notes.csv', 'text/csv'],
      ['priorities.csv', 'text/csv'],
      ['workshop.md', 'text/markdown'],
      ['workshop.json', 'application/json'],
    ] as const) {
      const ack = await ask(console_, format);
      expect(ack.ok, format).toBe(true);
      const { path, filename } = ack.ok ? ack.value : { path: '', filename: '' };
      expect(filename).toMatch(/^atelier-sante-familles-/);
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${filename}"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const bytes = new Uint8Array(await res.arrayBuffer());
      const body = new TextDecoder().decode(bytes);
      for (const secret of [w.facilitatorKey, w.joinCode, phone.token, state.facilitatorKeyHash]) {
        expect(body, format).not.toContain(secret);
      }
      if (format === 'notes.csv') {
        // a BOM, so that Excel reads UTF-8
        expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        // the note's text, neutralised against formula injection
        expect(body).toContain(`'=HYPERLINK`);
      }
      // a link opens once
      expect((await fetch(`${url}${path}`)).status).toBe(404);
    }

    // nobody else: a participant, a projector, a visitor; nor an unknown format
    const projector = await connect(url, { code: w.joinCode, as: 'projector' });
    const visitor = await connect(url);
    for (const socket of [phone.socket, projector, visitor]) {
      const ack = await ask(socket, 'notes.csv');
      expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    }
    expect(await ask(console_, 'secrets.txt')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // a made-up link, and one past its minute
    const madeUp = await fetch(`${url}/export/not-a-ticket`);
    expect(madeUp.status).toBe(404);
    // said in French first, then English (a reloaded report tab lands here)
    expect(await madeUp.text()).toMatch(
      /^Ce lien de téléchargement a expiré.*\nThis download link/s,
    );
    const late = await ask(console_, 'workshop.md');
    clock += 61_000;
    expect((await fetch(`${url}${late.ok ? late.value.path : ''}`)).status).toBe(404);
  });
});
