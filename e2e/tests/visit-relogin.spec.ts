// The session ends (expired, or cleared) while a visit waits in the outbox: the phone keeps
// the visit, says the monitor must sign in again and offers the way; once signed in, the
// outbox drains and the server holds the visit exactly once, with its photo.
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';
import { fillFinding, fillVisit, idbAll, noiseJpeg, serviceWorkerInControl, someUnit } from './visit-helpers';

test('an expired session keeps the outbox, which drains after signing in again', async ({ page, context, server }, testInfo) => {
  test.slow(); // a long flow: three times the usual timeout
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor04');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 10 });
  const visitsBefore: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  const photo = await noiseJpeg(page, testInfo.outputPath('a.jpg'));

  // No signal: the visit goes into the outbox.
  await context.setOffline(true);
  await page.route('**/api/**', (r) => r.abort('internetdisconnected'));
  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await fillVisit(page, unit);
  await page.getByTestId('add-finding').click();
  await fillFinding(page, 0, '窗口无人值守', [photo]);
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await expect(page.getByTestId('sync-waiting')).toContainText('1 次查访，1 张照片');
  await expect(page.getByTestId('sync-phase')).toHaveText('离线：联网后自动发送');

  // Still offline, the session goes (as when it expires); then the network comes back.
  await context.clearCookies();
  await page.unroute('**/api/**');
  await context.setOffline(false);
  await expect(page.getByTestId('sync-phase')).toHaveText('请重新登录');
  const again = page.getByTestId('sync-sign-in');
  await expect(again).toBeVisible();
  // Nothing was lost or sent.
  await expect(page.getByTestId('sync-waiting')).toContainText('1 次查访，1 张照片');
  const [waiting] = await idbAll(page, 'outbox');
  expect(waiting.state.state).toBe('waiting');
  expect(await idbAll(page, 'photos')).toHaveLength(1);
  await keepScreenshot(page, 'home-sync-signed-out');
  await expectAccessible(page);

  // Signing in again brings the monitor back, and the outbox drains.
  await again.click();
  await expect(page).toHaveURL(/\/login\?next=%2Fmonitor$/);
  await page.locator('#username').fill('monitor04');
  await page.locator('#password').fill('chafang-demo');
  await page.locator('button[type=submit]').click();
  await expect(page).toHaveURL(`${server.url}/monitor`);
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容', { timeout: 60_000 });
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  await keepScreenshot(page, 'home-sync-after-relogin');

  // On the server: the visit once, complete, with the photo the phone hashed.
  const visitsAfter: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  expect(visitsAfter).toHaveLength(visitsBefore.length + 1);
  expect(visitsAfter.filter((v) => v.id === waiting.upload.id)).toHaveLength(1);
  const receipt = await (await page.request.get(`${server.url}/api/v1/visits/${waiting.upload.id}/receipt`)).json();
  expect(receipt.complete).toBe(true);
  const phoneHash = waiting.upload.findings[0].photos[0].sha256;
  expect(receipt.photos).toEqual([expect.objectContaining({ sha256: phoneHash, arrived: true })]);
  const [confirmed] = await idbAll(page, 'outbox');
  expect(confirmed.state.state).toBe('confirmed');
  expect(await idbAll(page, 'photos')).toEqual([]);
});
