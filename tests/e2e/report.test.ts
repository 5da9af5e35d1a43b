import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEED, seedLikeWorkshop, sendPatiently } from '../integration/reportScene';
import { SCREENSHOTS, useServerAndBrowser } from './helpers';
import { LAPTOP, openScreen, shot } from './pages';

const e2e = useServerAndBrowser();

/** A PDF's pages: size in points and text (pdfjs in Node). */
async function readPdf(pdf: Buffer): Promise<{ width: number; height: number; text: string }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    const [, , width, height] = page.view as [number, number, number, number];
    pages.push({ width, height, text });
  }
  await doc.destroy();
  return pages;
}

/** Text compared without white space: a PDF's runs may split or join words differently. */
const flat = (text: string) => text.replace(/\s+/g, '');

const PDFJS = 'http://pdfjs.test/';
const PDFJS_BUILD = path.resolve('node_modules/pdfjs-dist/build');

/**
 * Each page of a PDF as a PNG, drawn by pdfjs in a Chromium page (served from node_modules
 * through a route: nothing is downloaded), to look at.
 */
async function pagesAsPng(browser: Browser, pdf: Buffer, name: string): Promise<string[]> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1200 } });
  try {
    const page = await context.newPage();
    await page.route(`${PDFJS}**`, async (route) => {
      const file = new URL(route.request().url()).pathname.slice(1);
      if (file === '') {
        await route.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><title>pdf</title>',
        });
        return;
      }
      await route.fulfill({
        contentType: 'text/javascript',
        body: await readFile(path.join(PDFJS_BUILD, path.basename(file))),
      });
    });
    await page.goto(PDFJS);
    const images = await page.evaluate(
      async ({ base, data }) => {
        // a dynamic import the test runner leaves alone (it rewrites `import(` in test code)
        const load = new Function('u', 'return import(u)') as (
          u: string,
        ) => Promise<typeof import('pdfjs-dist')>;
        const pdfjs = await load(`${base}pdf.min.mjs`);
        pdfjs.GlobalWorkerOptions.workerSrc = `${base}pdf.worker.min.mjs`;
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const doc = await pdfjs.getDocument({ data: bytes }).promise;
        const out: string[] = [];
        for (let n = 1; n <= doc.numPages; n++) {
          const pdfPage = await doc.getPage(n);
          const viewport = pdfPage.getViewport({ scale: 1.4 });
          const canvas = document.createElement('canvas');
          canvas.width = Math.ceil(viewport.width);
          canvas.height = Math.ceil(viewport.height);
          await pdfPage.render({ canvas, viewport, background: 'white' }).promise;
          out.push(canvas.toDataURL('image/png'));
        }
        return out;
      },
      { base: PDFJS, data: pdf.toString('base64') },
    );
    // pages of an earlier, longer run go first
    for (const old of await readdir(SCREENSHOTS)) {
      if (old.startsWith(`${name}-p`)) await rm(path.join(SCREENSHOTS, old));
    }
    const files: string[] = [];
    for (const [i, image] of images.entries()) {
      const file = path.join(SCREENSHOTS, `${name}-p${i + 1}.png`);
      await writeFile(file, Buffer.from(image.split(',')[1]!, 'base64'));
      files.push(file);
    }
    return files;
  } finally {
    await context.close();
  }
}

/** Click the console's report button and return the tab it opens, loaded. */
async function openReport(console_: Page): Promise<Page> {
  const [report] = await Promise.all([
    console_.context().waitForEvent('page'),
    console_
      .getByRole('button', { name: /rapport d’atelier|workshop report/i })
      .first()
      .click(),
  ]);
  await report.waitForLoadState('load');
  return report;
}

const HEADINGS_FR = [
  'Séances et participation',
  'Animation',
  'Objectifs',
  'Découverte : thèmes, freins et leviers',
  'Devenir : énoncés de vision',
  'Décision : résultats',
  'Priorités d’innovation',
  'Autres informations pertinentes',
  'Messages clés à partager',
];
const HEADINGS_EN = [
  'Sessions and attendance',
  'Who ran the workshop',
  'Objectives',
  'Discover: themes, barriers and enablers',
  'Dream: vision statements',
  'Decide: results',
  'Innovation priorities',
  'Other relevant information',
  'Key messages to share',
];

describe('the workshop report in Chromium', () => {
  it('[EX61] [EX62] [EX63] the console opens the report in a tab; printed to PDF on A4 (French) and Letter (English) it has every section, in order, charts whole, Découverte opening a page', async () => {
    const url = e2e.server.url;
    const w = await seedLikeWorkshop(url);
    // a key message that would run if it were HTML
    const HOSTILE = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
    await sendPatiently(w.console_, {
      type: 'setReportDetails',
      keyMessages: [...SEED.keyMessages, HOSTILE],
    });
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    await console_.goto(`${url}/console/${w.workshopId}#k=${w.facilitatorKey}`);
    await console_.getByTestId('join-code').waitFor();
    const panel = console_.locator('section.exports').first();
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'report-console-panel.png') });

    for (const run of [
      { name: 'report-a4-fr', language: 'fr', paper: 'a4', size: [595.28, 841.89] },
      { name: 'report-letter-en', language: 'en', paper: 'letter', size: [612, 792] },
    ] as const) {
      await console_
        .getByLabel(/Langue du rapport|Report language/)
        .first()
        .selectOption(run.language);
      await console_
        .getByLabel(/^Papier|^Paper/)
        .first()
        .selectOption(run.paper);
      const report = await openReport(console_);
      expect(await report.title()).toBe(SEED.title);
      // the hostile message is text on the page, and ran nothing
      await expect.poll(() => report.getByText(HOSTILE).count()).toBe(1);
      expect(await report.locator('img').count()).toBe(0);
      // a document, not the app: no script, link, form or button; its own inline style applies
      // under its policy (inline styles only)
      expect(await report.locator('script, a, form, button, input, nav, link').count()).toBe(0);
      expect(
        await report.evaluate(
          () => getComputedStyle(document.querySelector('h2')!).borderBottomStyle,
        ),
      ).toBe('solid');
      await shot(report, `${run.name}-tab`);

      const pdf = await report.pdf({ preferCSSPageSize: true, printBackground: true });
      await writeFile(path.join(SCREENSHOTS, `${run.name}.pdf`), pdf);
      const pages = await readPdf(pdf);
      expect(pages.length).toBeGreaterThanOrEqual(4);
      for (const page of pages) {
        expect(page.width).toBeCloseTo(run.size[0], 0);
        expect(page.height).toBeCloseTo(run.size[1], 0);
      }
      const all = flat(pages.map((p) => p.text).join(' '));
      const headings = run.language === 'fr' ? HEADINGS_FR : HEADINGS_EN;
      const at = headings.map((h) => all.indexOf(flat(h)));
      expect(
        at.every((i) => i >= 0),
        JSON.stringify(at),
      ).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      for (const piece of [
        SEED.title,
        SEED.presenters,
        ...SEED.barriers,
        ...SEED.enablers,
        ...SEED.candidates,
        ...SEED.keyMessages,
        SEED.owner,
        run.language === 'fr' ? 'W de Kendall = 0,49' : 'Kendall’s W = 0.49',
      ]) {
        expect(all, piece).toContain(flat(piece));
      }
      // Découverte opens a page (the page number may come first)
      const opening = (heading: string) =>
        pages.some((p) =>
          flat(p.text)
            .replace(/^\d+\/\d+/, '')
            .startsWith(flat(heading)),
        );
      expect(opening(headings[3]!), headings[3]).toBe(true);
      // each chart whole on one page: its first and last bars and its caption together
      const dots =
        run.language === 'fr'
          ? ['12 gommettes', '2 gommettes', 'Gommettes reçues']
          : ['12 dots', '2 dots', 'Dots each'];
      expect(pages.some((p) => dots.every((x) => flat(p.text).includes(flat(x))))).toBe(true);
      const borda =
        run.language === 'fr'
          ? ['28 pts', '4,5 pts', 'Points Borda de chaque']
          : ['28 pts', '4.5 pts', 'Borda points of each'];
      expect(pages.some((p) => borda.every((x) => flat(p.text).includes(flat(x))))).toBe(true);
      // every page numbered "n / N"
      pages.forEach((p, i) => expect(flat(p.text)).toContain(`${i + 1}/${pages.length}`));

      const files = await pagesAsPng(e2e.browser, pdf, run.name);
      expect(files).toHaveLength(pages.length);
      await report.close();
    }
  });
});
