import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack } from '../../src/lib/protocol/ack';
import { PROTOCOL_VERSION } from '../../src/lib/protocol/version';
import { connect, useTestServer } from './helpers';
import { PEOPLE, SEED, seedLikeWorkshop, sendPatiently } from './reportScene';

/*
 * The workshop report over the real server: a seed-like workshop (13 people, 3 sectors, 4 themes,
 * 5 candidates, a revealed dot vote, a ranking, priorities), served to whoever runs the room only,
 * inline, under a policy that runs nothing and loads nothing.
 */

/**
 * Ask for a download; the console that just built the scene may have spent its budget of
 * requests (the export shares it with commands), so a RATE_LIMITED answer is asked again.
 */
async function ask(socket: Socket, format: string) {
  for (let attempt = 0; ; attempt++) {
    const ack = (await socket
      .timeout(5000)
      .emitWithAck('export', { v: PROTOCOL_VERSION, format })) as Ack<{
      path: string;
      filename: string;
    }>;
    if (ack.ok || ack.error.code !== 'RATE_LIMITED' || attempt > 40) return ack;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const text = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the workshop report over the real server', () => {
  const server = useTestServer();

  it('[EX59] [EX60] a seed-like workshop’s report opens inline for whoever runs the room, with every section, in French or English, on A4 or Letter; nobody else gets it, it holds no secret, and what anyone wrote is text', async () => {
    const { url } = server.current;
    const w = await seedLikeWorkshop(url);
    const room = server.current.realtime.rooms.get(w.workshopId)!;
    const coKey = 'co-facilitator-key-0123456789';
    await sendPatiently(w.console_, {
      type: 'createCoFacilitatorLink',
      label: 'Co-animation',
      key: coKey,
    });
    const co = await connect(url, { workshopId: w.workshopId, key: coKey });
    // what the facilitator writes is text too, however it looks
    const HOSTILE = '</style><script>alert(1)</script>" onload="x ]]> =HYPERLINK("http://x")';
    await sendPatiently(w.console_, {
      type: 'setReportDetails',
      otherInfo: [...SEED.otherInfo, HOSTILE],
    });

    for (const [socket, query] of [
      [w.console_, '?language=fr&paper=a4'],
      [co, '?language=en&paper=letter'],
      [w.console_, ''],
    ] as const) {
      const ack = await ask(socket, 'report.html');
      expect(ack.ok).toBe(true);
      const { path, filename } = ack.ok ? ack.value : { path: '', filename: '' };
      expect(filename).toBe('institutions-et-approches-de-proximite-report.html');
      const res = await fetch(`${url}${path}${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="${filename}"`);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      );
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      const english = query.includes('en');
      expect(html).toContain(`<html lang="${english ? 'en' : 'fr'}">`);
      expect(html).toContain(`size: ${query.includes('letter') ? 'letter' : 'A4'} portrait`);
      expect(html).toContain(`<title>${SEED.title}</title>`);
      for (const id of [
        'sessions',
        'people',
        'objectives',
        'discover',
        'vision',
        'decision',
        'priorities',
        'other-info',
        'key-messages',
      ]) {
        expect(html, id).toContain(`<section id="${id}"`);
      }
      const body = text(html);
      // sessions and attendance per sector group (5, 5, 3; then 3, 5, 3 with two away)
      expect(body).toMatch(
        english
          ? /Atelier 1 September 10, 2026 13 Clinique \/ GMF: 5 · Organisme communautaire: 5 · Santé publique: 3/
          : /Atelier 1 10 septembre 2026 13 Clinique \/ GMF : 5 · Organisme communautaire : 5 · Santé publique : 3/,
      );
      expect(body).toMatch(
        english
          ? /Atelier 2 November 5, 2026 11 Clinique \/ GMF: 3 · Organisme communautaire: 5 · Santé publique: 3/
          : /Atelier 2 5 novembre 2026 11 Clinique \/ GMF : 3 · Organisme communautaire : 5 · Santé publique : 3/,
      );
      for (const piece of [
        SEED.question,
        SEED.presenters,
        SEED.facilitators,
        SEED.noteTakers,
        ...SEED.barriers,
        ...SEED.enablers,
        SEED.statementTitle,
        'Chaque famille trouve sa porte d’entrée.',
        ...SEED.candidates,
        SEED.owner,
        SEED.nextStep,
        SEED.horizon,
        ...SEED.otherInfo,
        ...SEED.keyMessages,
      ]) {
        expect(body, piece).toContain(piece);
      }
      // 4 themes, each with its notes; the links barrier → enabler
      expect(body.match(/ \d notes? /g)).toHaveLength(4);
      expect(body).toContain(`${SEED.barriers[0]} → ${SEED.enablers[1]}`);
      expect(body).toContain(`${SEED.barriers[1]} → ${SEED.enablers[0]}`);
      // the dot totals and the ranking as charts, agreement and support per sector
      expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
      expect(body).toContain(
        english ? `${SEED.candidates[0]} 12 dots` : `${SEED.candidates[0]} 12 gommettes`,
      );
      expect(body).toContain(english ? '(11 ballots)' : '(11 bulletins)');
      expect(body).toMatch(
        english
          ? /Kendall’s W = 0\.49: moderate agreement\./
          : /W de Kendall = 0,49 : accord modéré\./,
      );
      expect(body.match(english ? /\b[35] voters\b/g : /\b[35] votants\b/g)).toHaveLength(3);
      // no secret, nobody named
      const secrets = [
        w.facilitatorKey,
        w.joinCode,
        coKey,
        room.durable.facilitatorKeyHash,
        ...w.phones.map((p) => p.token),
        ...PEOPLE.map(([name]) => name),
      ];
      for (const secret of secrets) expect(html).not.toContain(secret);
      expect(html).not.toMatch(/<script|<\/style>[^\n]*<\/style>/);
      expect(html).toContain(
        '&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x ]]&gt; =HYPERLINK(&quot;http://x&quot;)',
      );
      // a link opens once
      expect((await fetch(`${url}${path}`)).status).toBe(404);
    }

    // an option the report does not know
    const bad = await ask(w.console_, 'report.html');
    const res = await fetch(`${url}${bad.ok ? bad.value.path : ''}?paper=a3`);
    expect(res.status).toBe(400);
    const said = await res.text();
    expect(said).toMatch(/^Option du rapport inconnue : .*le papier a4 ou letter\.\n/);
    expect(said).toContain('paper is a4 or letter');

    // nobody else: a participant, a projector, a visitor
    const projector = await connect(url, { code: w.joinCode, as: 'projector' });
    const visitor = await connect(url);
    for (const socket of [w.phones.at(-1)!.socket, projector, visitor]) {
      expect(await ask(socket, 'report.html')).toMatchObject({
        ok: false,
        error: { code: 'NOT_ALLOWED' },
      });
    }
  }, 30_000);
});
