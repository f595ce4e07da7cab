// A visit recorded offline is refused for a reason the monitor can fix: the entry stays on the
// phone, the reason is shown in Chinese naming the field, the monitor opens the same visit
// again, puts it right and submits it; it reaches the server whole, under its own id and
// sequence number, with its photo. (The form checks lengths itself, so the refused entry is
// one an older app version let through: a transcript pasted into the description, written
// into the phone's outbox as that version stored it.)
import { test, expect } from './server';
import { keepScreenshot, signIn } from './helpers';
import { fillFinding, fillVisit, idbAll, photoJpeg, serviceWorkerInControl, someUnit } from './visit-helpers';

test.use({ viewport: { width: 390, height: 844 } });

test('a refused visit stays on the phone, says why in Chinese, is corrected and synced', async ({ page, context, server }, testInfo) => {
  test.slow();
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor02');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat + 0.0002, longitude: unit.position!.lon, accuracy: 8 });
  const photo = await photoJpeg(page, testInfo.outputPath('p.jpg'), 200);

  // Recorded with no signal.
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

  // The description as an older app version kept it: a pasted transcript over the limit.
  const [entry] = await idbAll(page, 'outbox');
  const transcript = '群众反映：窗口工作人员长时间离岗，办事群众排队等候。'.repeat(200);
  expect([...transcript].length).toBeGreaterThan(4000);
  entry.upload.findings[0].description = transcript;
  await page.evaluate(
    ({ id, json }) =>
      new Promise<void>((ok, fail) => {
        const r = indexedDB.open('chafang');
        r.onerror = () => fail(r.error);
        r.onsuccess = () => {
          const tx = r.result.transaction('outbox', 'readwrite');
          tx.objectStore('outbox').put(json, id);
          tx.oncomplete = () => {
            r.result.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    { id: entry.upload.id, json: JSON.stringify(entry) },
  );

  // Back online: the server refuses it; the phone keeps it and says so.
  await page.unroute('**/api/**');
  await context.setOffline(false);
  await expect(page.getByTestId('sync-phase')).toHaveText('有查访被服务器退回，请查看查访记录', { timeout: 60_000 });
  const [refused] = await idbAll(page, 'outbox');
  expect(refused.state.state).toBe('rejected');
  expect(refused.state.refusal.detail.reason).toBe('invalid');
  expect(await idbAll(page, 'photos')).toHaveLength(1);

  await page.goto(`${server.url}/monitor/visits/${entry.upload.id}`);
  const reason = page.getByTestId('entry-refusal');
  await expect(reason).toContainText('问题描述最多 4000 个字');
  await expect(reason).toContainText('这条记录仍保存在手机上');
  // A refused visit is put right, not corrected: no 更正 on it.
  await expect(page.getByTestId('correct')).toHaveCount(0);
  await reason.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'visit-refused');

  // Opened again: the same visit, as a draft, with the description to shorten.
  await page.getByTestId('edit-refused').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  expect(page.url()).toContain(entry.upload.id);
  const description = page.getByTestId('finding').nth(0).getByLabel('问题描述');
  await expect(description).toHaveValue(transcript);
  await description.fill('窗口工作人员长时间离岗，群众排队等候超过三十分钟');
  await expect(page.locator('img.thumb')).toHaveCount(1);
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步', { timeout: 60_000 });

  // The server holds it once, under its own id and sequence number, with its photo.
  const receipt = await (await page.request.get(`${server.url}/api/v1/visits/${entry.upload.id}/receipt`)).json();
  expect(receipt.complete).toBe(true);
  expect(receipt.photos).toHaveLength(1);
  const [done] = await idbAll(page, 'outbox');
  expect(done.state.state).toBe('confirmed');
  expect(done.upload.device_seq).toBe(entry.upload.device_seq);
  expect(done.upload.findings[0].description).toBe('窗口工作人员长时间离岗，群众排队等候超过三十分钟');
  expect(await idbAll(page, 'photos')).toEqual([]);
  const mine: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  expect(mine.filter((v) => v.id === entry.upload.id)).toHaveLength(1);
});
