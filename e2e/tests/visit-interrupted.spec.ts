// The connection drops in the middle of a photo upload: once it returns, the photo goes on from
// the bytes the server holds, the visit is on the server exactly once, with both photos, and the
// outbox is empty.
import { test, expect } from './server';
import { signIn } from './helpers';
import { fillFinding, fillVisit, idbAll, noiseJpeg, serviceWorkerInControl, someUnit } from './visit-helpers';

test('a photo upload cut in the middle loses and duplicates nothing', async ({ page, context, server }, testInfo) => {
  test.slow(); // a long flow: three times the usual timeout
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 15 });
  const visitsBefore: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  const photos = [
    await noiseJpeg(page, testInfo.outputPath('a.jpg')),
    await noiseJpeg(page, testInfo.outputPath('b.jpg')),
  ];

  // The first photo's PATCH (tus) is cut half-way: the server gets the first half of the bytes,
  // the phone only a dropped connection. The next try asks where the server stands (HEAD) and
  // sends the rest from there.
  const seen: string[] = [];
  let cutSha = '';
  let half = 0;
  let cut!: () => void;
  const wasCut = new Promise<void>((ok) => (cut = ok));
  await page.route('**/api/v1/photos/**', async (r) => {
    const req = r.request();
    const sha = new URL(req.url()).pathname.split('/').pop()!;
    seen.push(`${req.method()} ${sha} ${req.headers()['upload-offset'] ?? ''}`.trim());
    if (req.method() === 'PATCH' && !cutSha) {
      cutSha = sha;
      const body = req.postDataBuffer()!;
      half = Math.floor(body.length / 2);
      const partial = await r.fetch({ postData: body.subarray(0, half) });
      expect(partial.status()).toBe(204);
      expect(partial.headers()['upload-offset']).toBe(String(half));
      cut();
      await r.abort('internetdisconnected');
    } else {
      await r.continue();
    }
  });

  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await fillVisit(page, unit);
  await page.getByTestId('add-finding').click();
  await fillFinding(page, 0, '服务态度生硬', photos);
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();

  await wasCut;
  // The engine retries by itself (backoff), and ends confirmed.
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容', { timeout: 60_000 });
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  // Resumed, not restarted: the photo cut half-way went on from the server's offset, and
  // nothing went by the one-body PUT.
  expect(half).toBeGreaterThan(0);
  expect(seen).toContain(`PATCH ${cutSha} ${half}`);
  expect(seen.filter((l) => l.startsWith(`PATCH ${cutSha} `))).toEqual([`PATCH ${cutSha} 0`, `PATCH ${cutSha} ${half}`]);
  expect(seen.filter((l) => l.startsWith('PUT'))).toEqual([]);

  const [entry] = await idbAll(page, 'outbox');
  expect(entry.state.state).toBe('confirmed');
  expect(await idbAll(page, 'photos')).toEqual([]);
  const visitsAfter: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  expect(visitsAfter).toHaveLength(visitsBefore.length + 1);
  const receipt = await (await page.request.get(`${server.url}/api/v1/visits/${entry.upload.id}/receipt`)).json();
  expect(receipt.complete).toBe(true);
  expect(receipt.photos).toHaveLength(2);
  expect(receipt.photos.every((p: any) => p.arrived)).toBe(true);
  const phoneHashes = entry.upload.findings[0].photos.map((p: any) => p.sha256).sort();
  expect(receipt.photos.map((p: any) => p.sha256).sort()).toEqual(phoneHashes);
});
