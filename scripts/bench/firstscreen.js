// The phone's first screen: Debian's Chromium at 360 px, 4× CPU slowdown, DevTools' network
// presets; time from navigation until the join form's name field is on screen, and the
// gzipped JavaScript that arrived before it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { createWorkshop, figure, newDataDir, removeDir, round, startCocrea } from './lib.js';

// Chrome DevTools' presets (front_end/core/sdk/NetworkManager.ts): latency in ms, throughput in
// bytes per second. Fast 3G: 150 ms × 3.75, 1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9 up;
// Slow 3G: 400 ms × 5, 500 kbit/s × 0.8 both ways.
export const PRESETS = {
  'Fast 3G': { latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 },
  'Slow 3G': { latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 },
};
const TARGET_MS = { 'Fast 3G': 2000, 'Slow 3G': 6000 };
const JS_TARGET_KB = 60;

// Runs before the page's own scripts: the first moment the name field exists and shows, and the
// moment the page has hydrated (its first effect names the document's language after the device's
// locale: the server's HTML carries the workshop's language), from when a tap on Join works.
const WATCH = `(() => {
  window.__nameAt = null;
  window.__workingAt = null;
  let firstLang = null;
  const check = () => {
    const lang = document.documentElement && document.documentElement.getAttribute('lang');
    if (lang && firstLang === null) firstLang = lang;
    else if (lang && lang !== firstLang && window.__workingAt === null) {
      window.__workingAt = performance.now();
    }
    if (window.__nameAt !== null) return;
    const el = document.getElementById('name');
    if (el && !el.disabled && el.getClientRects().length > 0) window.__nameAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('DOMContentLoaded', check);
})();`;

/** The gzipped size of a script the server sent, from the client build it came from. */
function gzipKbOf(url) {
  const file = path.join('build/client', new URL(url).pathname);
  if (!existsSync(file)) return 0;
  return gzipSync(readFileSync(file)).length / 1024;
}

export async function firstScreen({ log }) {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    return { skipped: `Chromium not found at ${executablePath} (set CHROMIUM_PATH)` };
  }
  const dataDir = newDataDir();
  const server = await startCocrea(dataDir);
  // The flags of tests/e2e/helpers.ts.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  try {
    const { joinCode } = await createWorkshop(server.url, 0, 'Premier écran');
    const result = { viewport: '360×740, device scale 2, touch', cpuSlowdown: 4, presets: PRESETS };
    for (const [name, conditions] of Object.entries(PRESETS)) {
      const context = await browser.newContext({
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'fr-FR',
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...conditions });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.addInitScript(WATCH);
      await page.goto(`${server.url}/join/${joinCode}`, { waitUntil: 'commit', timeout: 120_000 });
      await page.waitForFunction(() => window.__nameAt !== null, null, {
        timeout: 120_000,
        polling: 250,
      });
      const nameAt = await page.evaluate(() => window.__nameAt);
      await page.waitForFunction(() => window.__workingAt !== null, null, {
        timeout: 120_000,
        polling: 250,
      });
      const workingAt = await page.evaluate(() => window.__workingAt);
      // Then everything the page loads (the transport libraries come after the form).
      await page.waitForLoadState('load', { timeout: 120_000 });
      await page.waitForLoadState('networkidle', { timeout: 120_000 }).catch(() => {});
      const scripts = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname.endsWith('.js'))
          .map((e) => ({ url: e.name, end: e.responseEnd })),
      );
      const before = scripts.filter((s) => s.end <= nameAt);
      const jsKb = round(before.reduce((sum, s) => sum + gzipKbOf(s.url), 0));
      const beforeWorking = scripts.filter((s) => s.end <= workingAt);
      const workingKb = round(beforeWorking.reduce((sum, s) => sum + gzipKbOf(s.url), 0));
      result[name] = {
        formShownMs: round(nameAt, 0),
        formUsableMs: figure(
          round(workingAt, 0),
          `≤ ${TARGET_MS[name]} ms (hydrated: a tap on Join works)`,
          workingAt <= TARGET_MS[name],
        ),
        jsBeforeFormGzipKb: jsKb,
        jsUntilUsableGzipKb: figure(workingKb, `≤ ${JS_TARGET_KB} KB`, workingKb <= JS_TARGET_KB),
        scriptsBeforeForm: before.length,
        scriptsLoadedInAll: scripts.length,
        allScriptsLoadedMs: round(Math.max(0, ...scripts.map((x) => x.end)), 0),
        jsInAllGzipKb: round(scripts.reduce((sum, x) => sum + gzipKbOf(x.url), 0)),
      };
      log(
        `first screen, ${name}: name field after ${round(nameAt, 0)} ms, working after ` +
          `${round(workingAt, 0)} ms, ${workingKb} KB of JS until then`,
      );
      await context.close();
    }
    return result;
  } finally {
    await browser.close();
    await server.stop();
    removeDir(dataDir);
  }
}
