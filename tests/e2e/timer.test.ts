import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './helpers';
import { createFromHome, joinFromPhone, LAPTOP, openScreen, PHONE, PROJECTOR } from './pages';

const e2e = useServerAndBrowser();

/** Seconds shown by a screen's timer ("m:ss"). */
async function secondsOn(page: Page): Promise<number> {
  const text = (await page.getByTestId('timer').locator('.time').textContent())!.trim();
  const [m, s] = text.split(':').map(Number);
  return m! * 60 + s!;
}

describe('the room timer', () => {
  it('[TM5] every screen shows the same time left, even one whose clock is an hour off', async () => {
    const console_ = await openScreen(e2e.browser, LAPTOP, e2e.contexts);
    const code = await createFromHome(console_, e2e.server.url, 'Minuteur');
    const projector = await openScreen(e2e.browser, PROJECTOR, e2e.contexts);
    await projector.goto(`${e2e.server.url}/projector/${code}`);
    const phone = await openScreen(e2e.browser, PHONE, e2e.contexts, true);
    // this phone's clock runs an hour ahead of the server's
    await phone.addInitScript(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 3_600_000;
    });
    await joinFromPhone(phone, e2e.server.url, code, 'Horloge', null);

    await console_.getByLabel('Minutes').fill('2');
    await console_.getByTestId('timer-start').click();
    for (const page of [console_, projector, phone]) await page.getByTestId('timer').waitFor();
    const shown = [await secondsOn(console_), await secondsOn(projector), await secondsOn(phone)];
    for (const seconds of shown) {
      expect(seconds).toBeGreaterThan(110);
      expect(seconds).toBeLessThanOrEqual(120);
    }
    expect(Math.max(...shown) - Math.min(...shown)).toBeLessThanOrEqual(2);

    await console_.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => projector.getByTestId('timer').textContent()).toContain('en pause');
    const paused = await secondsOn(projector);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await secondsOn(projector)).toBe(paused);
    await console_.getByRole('button', { name: '+1 min' }).click();
    await expect.poll(() => secondsOn(phone)).toBe(paused + 60);
  });
});
