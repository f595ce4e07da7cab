// A monitor's first visit, timed as a person would do it at 390 × 844: from the home page to
// "saved" for a visit with two findings and two photos. Every tap and every typed field goes
// through one counter, so the figures are what the steps below really did; prints taps, typed
// fields and seconds (the goal, ≤ 15 taps, lives in BENCHMARKS.md, not in an assertion).
// Counted as the issue counted them: a tap is one action on a control (a button, a choice in a
// list, a photo chosen); typing into a field is a typed field, not a tap.
import { Locator, Page } from '@playwright/test';
import { test, expect } from '../tests/server';
import { signIn } from '../tests/helpers';
import { photoJpeg, serviceWorkerInControl, someUnit } from '../tests/visit-helpers';

class Hands {
  taps = 0;
  typed = 0;
  async tap(l: Locator) {
    this.taps++;
    await l.click();
  }
  /** A choice in a list. */
  async pick(l: Locator, option: { index: number } | string) {
    this.taps++;
    await l.selectOption(option);
  }
  /** A photo chosen (or taken). */
  async photo(l: Locator, file: string) {
    this.taps++;
    await l.setInputFiles(file);
  }
  async type(l: Locator, text: string) {
    this.typed++;
    await l.fill(text);
  }
}

async function firstVisit(page: Page, hands: Hands, unit: { name: string }, photos: string[]) {
  await hands.tap(page.getByTestId('new-visit'));
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await hands.type(page.locator('#unit-search'), unit.name);
  await hands.tap(page.getByTestId('unit-picker').getByText(unit.name, { exact: true }));
  await hands.tap(page.getByTestId('mode').getByText('暗访'));
  await hands.tap(page.getByTestId('methods').getByText('陪同办事'));
  const descriptions = ['窗口无人值守', '办事指南未公开'];
  for (let i = 0; i < 2; i++) {
    // The form may open with one finding already there; add one only when it is missing.
    if ((await page.getByTestId('finding').count()) <= i) await hands.tap(page.getByTestId('add-finding'));
    const f = page.getByTestId('finding').nth(i);
    await hands.pick(f.getByLabel('评议内容'), { index: 1 });
    await hands.type(f.getByLabel('问题描述'), descriptions[i]);
    if (!(await f.getByLabel('严重程度').inputValue())) await hands.pick(f.getByLabel('严重程度'), 'Serious');
    await hands.photo(f.getByTestId('photo-gallery'), photos[i]);
    await expect(f.locator('img.thumb')).toHaveCount(1, { timeout: 30_000 });
  }
  await hands.tap(page.getByTestId('submit-visit'));
  await expect(page.getByTestId('home-monitor')).toBeVisible();
}

test('the first visit: taps, typed fields and seconds from the home to saved', async ({ page, context, server }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat + 0.0002, longitude: unit.position!.lon, accuracy: 8 });
  const photos = [
    await photoJpeg(page, testInfo.outputPath('a.jpg'), 20),
    await photoJpeg(page, testInfo.outputPath('b.jpg'), 200),
  ];
  const visitsBefore: unknown[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();

  const hands = new Hands();
  const t0 = Date.now();
  await firstVisit(page, hands, unit, photos);
  const saved = Date.now() - t0;
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步', { timeout: 60_000 });
  const synced = Date.now() - t0;
  const visitsAfter: unknown[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  expect(visitsAfter.length).toBe(visitsBefore.length + 1);

  console.log(
    `\nfirst visit (2 findings, 2 photos) at 390×844: ${hands.taps} taps (goal ≤ 15), ${hands.typed} typed fields, ` +
      `${(saved / 1000).toFixed(1)} s to saved (Playwright's speed, no human pauses), ${(synced / 1000).toFixed(1)} s to synced\n`,
  );
});
