// A monitor with no signal records a visit item by item, with photos and a position; the
// draft and then the outbox survive reloads; when the network returns the visit reaches the
// server whole, exactly once, with the photo hashes the phone computed, and counts for the quota.
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';
import { fillFinding, fillVisit, idbAll, noiseJpeg, serviceWorkerInControl, someUnit } from './visit-helpers';

test('a visit recorded offline syncs whole once the network is back', async ({ page, context, server }, testInfo) => {
  test.slow(); // a long flow: three times the usual timeout
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  // The first sync pulls the unit directory and the campaign.
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');

  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat + 0.0002, longitude: unit.position!.lon, accuracy: 8 });
  const before = await (await page.request.get(`${server.url}/api/v1/monitor/overview`)).json();
  const visitsBefore: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  await expect(page.getByTestId('quota')).toContainText(`${before.quota.done} / ${before.quota.required}`);
  const photos = [
    await noiseJpeg(page, testInfo.outputPath('a.jpg')),
    await noiseJpeg(page, testInfo.outputPath('b.jpg')),
  ];

  // No signal from here on.
  await context.setOffline(true);
  await page.route('**/api/**', (r) => r.abort('internetdisconnected'));

  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await expect(page.getByTestId('position')).toContainText('精度约 8 米');
  await fillVisit(page, unit);
  await expect(page.getByTestId('position')).toContainText('距所选单位约');
  await page.getByLabel('总体情况').fill('窗口排队较长');
  // The form opens with one finding ready: one more is added.
  await expect(page.getByTestId('finding')).toHaveCount(1);
  await page.getByTestId('add-finding').click();
  await fillFinding(page, 0, '窗口无人值守', [photos[0]]);
  await fillFinding(page, 1, '办事指南未公开', [photos[1]]);
  await keepScreenshot(page, 'visit-form-findings');
  await page.evaluate(() => window.scrollTo(0, 0));
  await keepScreenshot(page, 'visit-form');
  await expectAccessible(page);

  // A reload (the browser killed while the camera was open) loses nothing.
  const draftUrl = page.url();
  await page.reload();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  expect(page.url()).toBe(draftUrl);
  await expect(page.getByTestId('unit-chosen')).toContainText(unit.name);
  await expect(page.getByTestId('finding')).toHaveCount(2);
  await expect(page.getByTestId('finding').nth(1).getByLabel('问题描述')).toHaveValue('办事指南未公开');
  await expect(page.getByLabel('总体情况')).toHaveValue('窗口排队较长');
  await expect(page.locator('img.thumb')).toHaveCount(2);

  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await expect(page.getByTestId('sync-waiting')).toContainText('1 次查访，2 张照片');
  await expect(page.getByTestId('sync-phase')).toHaveText('离线：联网后自动发送');
  // The quota counts the visit at once, offline.
  await expect(page.getByTestId('quota')).toContainText(`${before.quota.done + 1} / ${before.quota.required}`);

  // The outbox survives a reload too, numbered from 1.
  await page.reload();
  await expect(page.getByTestId('sync-waiting')).toContainText('1 次查访，2 张照片');
  const [entry] = await idbAll(page, 'outbox');
  expect(entry.upload.device_seq).toBe(1);
  expect(entry.state.state).toBe('waiting');
  const phoneHashes: string[] = entry.upload.findings.flatMap((f: any) => f.photos.map((p: any) => p.sha256)).sort();
  expect(phoneHashes).toHaveLength(2);
  expect((await idbAll(page, 'photos')).map((p) => p.sha256).sort()).toEqual(phoneHashes);
  await keepScreenshot(page, 'home-sync-waiting');

  // Back online: the first photo is held until the progress bar has been seen.
  let release!: () => void;
  const held = new Promise<void>((ok) => (release = ok));
  await page.unroute('**/api/**');
  await page.route('**/api/v1/photos/**', async (r) => {
    await held;
    await r.continue();
  });
  await context.setOffline(false);
  await expect(page.getByTestId('sync-progress')).toBeVisible();
  await expect(page.getByTestId('sync-status')).toContainText('照片 0 / 2');
  await keepScreenshot(page, 'home-sync-progress');
  release();
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步', { timeout: 60_000 });
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容');
  await expect(page.getByText('无法连接服务器')).toHaveCount(0);
  await keepScreenshot(page, 'home-synced');

  // The server holds the visit, once, complete, with the phone's hashes.
  const visitsAfter: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  expect(visitsAfter).toHaveLength(visitsBefore.length + 1);
  const mine = visitsAfter.filter((v) => v.id === entry.upload.id);
  expect(mine).toHaveLength(1);
  expect(mine[0].complete).toBe(true);
  const receipt = await (await page.request.get(`${server.url}/api/v1/visits/${entry.upload.id}/receipt`)).json();
  expect(receipt.complete).toBe(true);
  expect(receipt.content_sha256).toBe(mine[0].content_sha256);
  expect(receipt.photos.map((p: any) => p.sha256).sort()).toEqual(phoneHashes);
  expect(receipt.photos.every((p: any) => p.arrived)).toBe(true);
  const after = await (await page.request.get(`${server.url}/api/v1/monitor/overview`)).json();
  expect(after.quota.done).toBe(before.quota.done + 1);
  await expect(page.getByTestId('quota')).toContainText(`${before.quota.done + 1} / ${before.quota.required}`);

  // Confirmed: the phone let go of the photo bytes and keeps the summary.
  expect(await idbAll(page, 'photos')).toEqual([]);
  const [confirmed] = await idbAll(page, 'outbox');
  expect(confirmed.state.state).toBe('confirmed');
});
