// Audio evidence (实地录音录像) end to end at 390×844: a monitor records with the phone's
// microphone (Chromium's fake device), the page reloads in the middle of the recording and the
// part recorded is kept and found again, the visit is submitted and synced with the recording
// sent resumably; the office plays it in its player, its metadata stripped, and never the unit.
import { test, expect } from './server';
import { CHROMIUM } from './chromium';
import { keepScreenshot, signIn } from './helpers';
import { fillVisit, idbAll, serviceWorkerInControl, someUnit } from './visit-helpers';

test.use({
  launchOptions: {
    ...CHROMIUM,
    args: [...CHROMIUM.args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  },
});

test('a recording survives a reload mid-recording, syncs, and the office plays it', async ({ page, context, browser, server }) => {
  test.slow();
  await context.grantPermissions(['geolocation', 'microphone', 'camera']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 15 });

  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await fillVisit(page, unit);
  const f = page.getByTestId('finding').first();
  await f.getByLabel('评议内容').selectOption({ index: 1 });
  await f.getByLabel('问题描述').fill('窗口人员称系统故障，拒绝受理');
  await f.getByLabel('严重程度').selectOption('Serious');
  await expect(page.getByTestId('recording-limits')).toContainText('每段最长 60 分钟');

  // Recording: a few one-second slices reach IndexedDB, then the page reloads mid-recording.
  await page.getByTestId('record-audio').click();
  await expect(page.getByTestId('recording-now')).toContainText('0:04', { timeout: 20_000 });
  const url = page.url();
  await page.reload();
  await expect(page).toHaveURL(url);
  await expect(page.getByTestId('visit-form')).toBeVisible();
  // The part recorded before the reload is found again and listed on the draft.
  await expect(page.getByTestId('recording-recovered')).toBeVisible();
  await expect(page.getByTestId('recording-item')).toHaveCount(1);
  const item = await page.getByTestId('recording-item').innerText();
  expect(item).toMatch(/录音 1 · 0:0[3-9]/);
  const [draft] = await idbAll(page, 'drafts');
  expect(draft.recordings).toHaveLength(1);
  const rec = draft.recordings[0];
  expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(rec.bytes).toBeGreaterThan(1000);
  expect(rec.media_type).toContain('audio/webm');
  await page.getByTestId('recordings').scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'recording-form');

  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容', { timeout: 60_000 });
  const [entry] = await idbAll(page, 'outbox');
  expect(entry.state.state).toBe('confirmed');
  expect(entry.upload.recordings[0].sha256).toBe(rec.sha256);
  const receipt = await (await page.request.get(`${server.url}/api/v1/visits/${entry.upload.id}/receipt`)).json();
  expect(receipt.complete).toBe(true);
  expect(receipt.recordings).toEqual([{ sha256: rec.sha256, arrived: true }]);
  // The monitor's phone cannot play it back from the server: only the office may.
  expect((await page.request.get(`${server.url}/api/v1/office/recordings/${rec.sha256}`)).status()).toBe(404);

  // The office opens the finding and plays the recording.
  const office = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const desk = await office.newPage();
  await signIn(desk, server.url, 'office');
  // The office's home, loaded: a navigation begun before it lands would be cut by it.
  await expect(desk.locator('main[data-testid^=home-]')).toBeVisible();
  const rows: any[] = await (await desk.request.get(`${server.url}/api/v1/office/findings`)).json();
  let caseId = '';
  for (const r of rows) {
    const c = await (await desk.request.get(`${server.url}/api/v1/office/findings/${r.id}`)).json();
    if (c.reports.some((x: any) => x.finding_id === entry.upload.findings[0].id)) caseId = r.id;
  }
  expect(caseId).not.toBe('');
  await desk.goto(`${server.url}/office/findings/${caseId}`);
  const player = desk.getByTestId('recording-player');
  await expect(player).toBeVisible();
  await player.scrollIntoViewIfNeeded();
  // The browser reads the served copy: its metadata loads without an error.
  await expect
    .poll(() => player.evaluate((el: HTMLMediaElement) => (el.error ? -1 : el.readyState)), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(1);
  const served = await desk.request.get(`${server.url}/api/v1/office/recordings/${rec.sha256}`, {
    headers: { range: 'bytes=0-99' },
  });
  expect(served.status()).toBe(206);
  expect(served.headers()['content-type']).toBe('audio/webm');
  // What is served is Chrome's own recording with its container metadata stripped: Chrome names
  // itself as the muxing and writing application, and those are gone.
  const whole = await desk.request.get(`${server.url}/api/v1/office/recordings/${rec.sha256}`, {
    headers: { 'accept-encoding': 'identity' },
  });
  expect(whole.status()).toBe(200);
  const bytes = await whole.body();
  expect(bytes.length).toBe(rec.bytes);
  expect(bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
  expect(bytes.includes(Buffer.from('Chrome'))).toBe(false);
  await desk.getByTestId('transcript-text').fill('工作人员：系统坏了，明天再来。');
  await desk.getByTestId('attach-transcript').click();
  await expect(desk.getByTestId('transcript')).toHaveText('工作人员：系统坏了，明天再来。');
  await desk.getByTestId('case-recordings').scrollIntoViewIfNeeded();
  await keepScreenshot(desk, 'recording-player');
  await office.close();
});

test('a video recording gives the unit a still frame and a transcript, never the video', async ({ page, context, browser, server }) => {
  test.slow();
  await context.grantPermissions(['geolocation', 'microphone', 'camera']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  // 区建设局, headed by unit01.
  const units: any[] = await (await page.request.get(`${server.url}/api/v1/units`)).json();
  const unit = units.find((u) => u.name === '区建设局');
  const at = unit.position ?? { lat: 30.27, lon: 120.15 };
  await context.setGeolocation({ latitude: at.lat, longitude: at.lon, accuracy: 15 });
  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  const f = page.getByTestId('finding').first();
  await f.getByLabel('评议内容').selectOption({ index: 1 });
  await f.getByLabel('问题描述').fill('大厅无人值守');
  await f.getByLabel('严重程度').selectOption('Serious');
  await page.getByTestId('record-video').click();
  await expect(page.getByTestId('recording-now')).toContainText('0:03', { timeout: 20_000 });
  await page.getByTestId('stop-recording').click();
  await expect(page.getByTestId('recording-item')).toContainText('录像 1');
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容', { timeout: 60_000 });
  const [entry] = await idbAll(page, 'outbox');
  const rec = entry.upload.recordings[0];
  expect(rec.media_type).toContain('video/');

  const office = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const desk = await office.newPage();
  await signIn(desk, server.url, 'office');
  // The office's home, loaded: a navigation begun before it lands would be cut by it.
  await expect(desk.locator('main[data-testid^=home-]')).toBeVisible();
  const rows: any[] = await (await desk.request.get(`${server.url}/api/v1/office/findings`)).json();
  let caseId = '';
  for (const r of rows) {
    const c = await (await desk.request.get(`${server.url}/api/v1/office/findings/${r.id}`)).json();
    if (c.reports.some((x: any) => x.finding_id === entry.upload.findings[0].id)) caseId = r.id;
  }
  const released = await desk.request.post(`${server.url}/api/v1/office/releases`, {
    data: { cases: [caseId], release_covert: true },
    headers: { origin: server.url },
  });
  expect(released.status()).toBe(200);
  await desk.goto(`${server.url}/office/findings/${caseId}`);
  const player = desk.getByTestId('recording-player');
  await expect(player).toBeVisible();
  // A frame to take: the office plays and pauses.
  await player.evaluate(async (el: HTMLVideoElement) => {
    el.muted = true;
    await el.play().catch(() => {});
  });
  // Paused once a frame is on screen, not after a guess of how long that takes.
  await expect.poll(() => player.evaluate((el: HTMLVideoElement) => el.currentTime)).toBeGreaterThan(0);
  await player.evaluate((el: HTMLVideoElement) => el.pause());
  await expect.poll(() => player.evaluate((el: HTMLVideoElement) => el.videoWidth)).toBeGreaterThan(0);
  await desk.getByTestId('attach-still').click();
  await expect(desk.getByText('已附截图')).toBeVisible();
  await desk.getByTestId('transcript-text').fill('监督员：请问窗口人员去哪了？');
  await desk.getByTestId('attach-transcript').click();
  await expect(desk.getByTestId('transcript')).toBeVisible();
  await office.close();

  // The unit sees the still frame and the transcript on its finding, nothing of the video.
  const head = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const unitPage = await head.newPage();
  await signIn(unitPage, server.url, 'unit01');
  await expect(unitPage).toHaveURL(/\/unit/);
  const mine = await unitPage.request.get(`${server.url}/api/v1/unit/findings/${caseId}`);
  expect(mine.status()).toBe(200);
  const text = await mine.text();
  const c = JSON.parse(text);
  expect(c.transcripts).toEqual(['监督员：请问窗口人员去哪了？']);
  expect(c.photos.length).toBeGreaterThanOrEqual(1);
  expect(text).not.toContain(rec.sha256);
  expect((await unitPage.request.get(`${server.url}${c.photos[c.photos.length - 1].display}`)).status()).toBe(200);
  await unitPage.goto(`${server.url}/unit/findings/${caseId}`);
  await expect(unitPage.getByTestId('unit-transcripts')).toContainText('监督员：请问窗口人员去哪了？');
  await keepScreenshot(unitPage, 'recording-unit-finding');
  expect((await unitPage.request.get(`${server.url}/api/v1/office/recordings/${rec.sha256}`)).status()).toBe(404);
  await head.close();
});
