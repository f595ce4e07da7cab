// Wire cost of a visit: everything the phone sends to deliver one visit with three photos
// (the visit JSON, each photo, the receipt checks; headers included), divided by the photo
// bytes it stored. Pulls of reference data are not part of a visit and are left out.
import { test, expect } from '../tests/server';
import { signIn } from '../tests/helpers';
import { fillFinding, fillVisit, idbAll, noiseJpeg, serviceWorkerInControl, someUnit } from '../tests/visit-helpers';

test('bytes on the wire per visit', async ({ page, context, server }, testInfo) => {
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor05');
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 10 });
  const files = [];
  for (const name of ['a', 'b', 'c']) files.push(await noiseJpeg(page, testInfo.outputPath(`${name}.jpg`)));

  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  await page.getByTestId('add-finding').click();
  await fillFinding(page, 0, '窗口无人值守', files);
  const stored = (await idbAll(page, "photos")).reduce((sum: number, p: any) => sum + p.size, 0);

  let sent = 0;
  let requests = 0;
  const counted: Promise<void>[] = [];
  page.on('requestfinished', (req) => {
    const path = new URL(req.url()).pathname;
    if (/^\/api\/v1\/(visits|photos)(\/|$)/.test(path)) {
      requests++;
      counted.push(req.sizes().then((s) => void (sent += s.requestHeadersSize + s.requestBodySize)));
    }
  });
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  // Delivered when the phone has let go of the photo bytes (only after the receipt matched).
  await expect.poll(async () => (await idbAll(page, 'photos')).length, { timeout: 120_000 }).toBe(0);
  await Promise.all(counted);
  expect(stored).toBeGreaterThan(0);
  console.log(`\nwire: one visit with 3 photos (${(stored / 1024).toFixed(0)} KB stored): ${(sent / 1024).toFixed(1)} KB sent in ${requests} requests, ratio ${(sent / stored).toFixed(3)} (goal ≤ 1.05)\n`);
});
