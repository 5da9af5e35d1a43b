import { describe, expect, it } from 'vitest';
import { sendCommand, type CommandSender } from '../../../src/lib/client/send';
import type { Ack } from '../../../src/lib/protocol/ack';

const answering = (ack: Ack): CommandSender & { sent: number } => ({
  sent: 0,
  send() {
    this.sent++;
    return Promise.resolve(ack);
  },
});
const refusal = (code: string): Ack => ({ ok: false, error: { code, message: code } as never });
const cmd = { type: 'setQuestion', question: 'Q' } as const;

describe('sendCommand: the pages’ one way to send a command', () => {
  it('[DS20] shows a refusal in the reader’s language and clears it on success', async () => {
    const shown: string[] = [];
    const show = (m: string) => shown.push(m);
    expect(await sendCommand(answering(refusal('NOT_ALLOWED')), cmd, 'en', show)).toBe(false);
    expect(await sendCommand(answering({ ok: true, value: {} }), cmd, 'en', show)).toBe(true);
    expect(shown).toEqual(['You are not allowed to do this.', '']);
  });

  it('[DS20] an expected refusal shows nothing but still answers false', async () => {
    const shown: string[] = [];
    const ok = await sendCommand(
      answering(refusal('ALREADY_JOINED')),
      cmd,
      'fr',
      (m) => shown.push(m),
      (e) => e.code === 'ALREADY_JOINED',
    );
    expect(ok).toBe(false);
    expect(shown).toEqual(['']);
  });

  it('[DS20] without a connection nothing is sent and nothing shown changes', async () => {
    const shown: string[] = [];
    expect(await sendCommand(null, cmd, 'fr', (m) => shown.push(m))).toBe(false);
    expect(shown).toEqual([]);
  });
});
