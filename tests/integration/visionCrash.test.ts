import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  closeClients,
  connect,
  createWorkshop,
  hello,
  joinAs,
  sendOk,
  VisionWriter,
} from './helpers';
import { bundleServerProcess, spawnServer, type ServerProcess } from './processes';
import { until } from './scene';

/*
 * The vision room through a crash: the server is killed (SIGKILL) while two phones type, then
 * started again on the same data. What it had sent anyone is there, nothing is doubled, and the
 * phones, which kept their documents, reconnect and converge.
 */

let script: string;
let server: ServerProcess | null = null;
let dataDir: string;

beforeAll(async () => {
  script = await bundleServerProcess();
  dataDir = await mkdtemp(path.join(tmpdir(), 'cocrea-vision-crash-'));
});
afterAll(async () => {
  closeClients();
  await server?.kill();
  await rm(dataDir, { recursive: true, force: true });
  await rm(path.dirname(script), { recursive: true, force: true });
});

/** Type tokens `[p<phone>-<n>]` at random places until stopped (or the server dies). */
async function typeUntilStopped(
  writer: VisionWriter,
  id: string,
  phone: number,
  stop: { now: boolean },
) {
  // 45 tokens of up to 9 characters each, two phones: always under the 1,000-character cap
  for (let n = 0; !stop.now && n < 45; n++) {
    const text = writer.text(id);
    const at = Math.floor(Math.random() * (text.length + 1));
    // at a token boundary, so that tokens stay whole whatever the order
    const before = text.toString().slice(0, at).lastIndexOf(']') + 1;
    text.insert(before, `[p${phone}-${n}]`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

const tokens = (text: string) => text.match(/\[p\d-\d+\]/g) ?? [];

describe('the vision room through a crash', () => {
  it('[V31] SIGKILL while two phones type: after a restart every update the server had sent is there, nothing is doubled, and the phones reconnect and converge', async () => {
    server = await spawnServer(script, dataDir);
    const created = await createWorkshop(server.url);
    const console_ = await connect(server.url, {
      workshopId: created.workshopId,
      key: created.facilitatorKey,
    });
    const { statementId } = (await sendOk(console_, { type: 'addStatement', title: 'Vision' })) as {
      statementId: string;
    };
    await sendOk(console_, { type: 'setStage', stage: 'dream' });
    // The console only watches: it receives only what the server has made durable.
    const watcher = new VisionWriter(server.url, (await hello(console_)).vision!);
    const phones = [];
    for (const name of ['Aline', 'Bruno']) {
      const joined = await joinAs(server.url, created.joinCode, name);
      const writer = new VisionWriter(server.url, (await hello(joined.socket)).vision!);
      phones.push({ ...joined, writer });
    }
    await Promise.all([watcher.synced(), ...phones.map((p) => p.writer.synced())]);
    const stop = { now: false };
    const typing = phones.map((p, i) => typeUntilStopped(p.writer, statementId, i + 1, stop));
    await until(() => tokens(watcher.text(statementId).toString()).length >= 20, 'typing', 10_000);
    await server.kill('SIGKILL');
    const sent = Y.encodeStateAsUpdate(watcher.doc);
    const seen = watcher.text(statementId).toString();
    // the phones keep typing a little while the server is down
    await new Promise((r) => setTimeout(r, 100));
    stop.now = true;
    await Promise.all(typing);
    closeClients();

    server = await spawnServer(script, dataDir);
    const console2 = await connect(server.url, {
      workshopId: created.workshopId,
      key: created.facilitatorKey,
    });
    const fresh = new VisionWriter(server.url, (await hello(console2)).vision!);
    await fresh.synced();
    // everything the watcher had received is in the restarted room: adding it changes nothing
    const restarted = fresh.text(statementId).toString();
    const check = new Y.Doc();
    Y.applyUpdate(check, Y.encodeStateAsUpdate(fresh.doc));
    Y.applyUpdate(check, sent);
    expect(check.getText(statementId).toString()).toBe(restarted);
    expect(tokens(restarted).length).toBeGreaterThanOrEqual(tokens(seen).length);
    expect(new Set(tokens(restarted)).size).toBe(tokens(restarted).length);

    // the phones come back with the documents they kept (typed offline included) and converge
    const back: VisionWriter[] = [];
    for (const p of phones) {
      const socket = await connect(server.url, {
        code: created.joinCode,
        as: 'participant',
        token: p.token,
      });
      back.push(new VisionWriter(server.url, (await hello(socket)).vision!, p.writer.doc));
    }
    await Promise.all(back.map((w) => w.synced()));
    const typed = new Set(phones.flatMap((p) => tokens(p.writer.text(statementId).toString())));
    await until(
      () =>
        back.every((w) => w.text(statementId).toString() === fresh.text(statementId).toString()) &&
        tokens(fresh.text(statementId).toString()).length >= typed.size,
      'every writer converged',
      10_000,
    );
    const final = tokens(fresh.text(statementId).toString());
    expect(new Set(final).size).toBe(final.length);
    for (const token of typed) expect(final).toContain(token);
    expect(back.every((w) => w.closedWith === null)).toBe(true);
  }, 60_000);
});
