// The ten things that hurt a new user (issue 16), each checked where a check can say it: the
// language of what the user reads, the monitor's photos after sync, errors beside their field,
// the office's enlarged photo, units nearest first in human distances, a draft that can be
// discarded, unread counts, the map's labels and words, the phone layout of the office's pages,
// and the words a clerk expects. At 390 × 844 in zh-CN unless a test says otherwise.
import { APIRequestContext, request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, englishWords, switchUser } from './helpers';
import { Unit, fillFinding, fillVisit, idbAll, photoJpeg, report, serviceWorkerInControl, someUnit } from './visit-helpers';

async function api(base: string, username: string): Promise<APIRequestContext> {
  const c = await request.newContext({ baseURL: base });
  expect((await c.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } })).ok()).toBe(true);
  return c;
}

/** A released finding about 区建设局 (headed by unit01); returns its case id. */
async function releasedFinding(base: string, text = '窗口工作人员上班时间玩手机'): Promise<string> {
  const monitor = await api(base, 'monitor05');
  const units: Unit[] = await (await monitor.get('/api/v1/units')).json();
  await report(monitor, units.find((u) => u.name === '区建设局')!, text);
  await monitor.dispose();
  const office = await api(base, 'office');
  const inbox: { id: string; text: string }[] = await (await office.get('/api/v1/office/findings?state=submitted')).json();
  const id = inbox.find((c) => c.text === text)!.id;
  expect((await office.post('/api/v1/office/releases', { data: { cases: [id], release_covert: false } })).ok()).toBe(true);
  await office.dispose();
  return id;
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
});

test('1 and 3: the visit form speaks Chinese, marks what is required, and places each error beside its field until it is right', async ({ page, context, server }, testInfo) => {
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 8 });
  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();

  // Required fields are marked before anything is typed, for the eye and in what a screen
  // reader says. (A group of checkboxes may not carry aria-required — axe's aria-allowed-attr,
  // critical — so the methods say it in their group's name; the unit, a radio group, says it
  // with aria-required.)
  await expect(page.getByTestId('methods')).toContainText('必填');
  await expect(page.getByRole('group', { name: /查访方法.*必填/ })).toHaveAttribute('data-testid', 'methods');
  await expect(page.getByTestId('unit-picker')).toHaveAttribute('aria-required', 'true');
  await expect(page.getByTestId('unit-picker')).toContainText('必填');

  // Nothing filled in: the errors sit beside their fields, in Chinese, and the first is in view.
  await page.getByTestId('submit-visit').click();
  const unitError = page.getByTestId('error-unit');
  const methodsError = page.getByTestId('error-methods');
  await expect(unitError).toBeVisible();
  await expect(methodsError).toBeVisible();
  await expect(unitError).toBeInViewport();
  expect(await englishWords(page)).toEqual([]);
  await keepScreenshot(page, 'visit-form-errors');

  // Each error goes the moment its field is right.
  await fillVisit(page, unit);
  await expect(unitError).toHaveCount(0);
  await expect(methodsError).toHaveCount(0);

  // Neither findings nor "no problem found": worded in Chinese beside the findings, gone once
  // a finding is begun. (The form opens with one finding ready; left blank it is no finding,
  // so the first thing put into it is what makes the error go.)
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('error-findings')).toBeVisible();
  expect(await englishWords(page)).toEqual([]);
  const f = page.getByTestId('finding').first();
  await f.getByLabel('评议内容').selectOption({ index: 1 });
  await expect(page.getByTestId('error-findings')).toHaveCount(0);

  // A long description shows its count against the limit before it is refused.
  await f.getByLabel('问题描述').fill('字'.repeat(4001));
  await expect(f.getByTestId('count-description')).toHaveText('4001 / 4000');
  await expect(f.getByTestId('error-description')).toBeVisible();
  await f.getByLabel('问题描述').fill('窗口无人值守');
  await expect(f.getByTestId('count-description')).toHaveText('6 / 4000');
  await expect(f.getByTestId('error-description')).toHaveCount(0);

  // A file that is not an image: worded, no developer text.
  const broken = testInfo.outputPath('broken.jpg');
  require('node:fs').writeFileSync(broken, Buffer.from('this is not a jpeg at all'));
  await f.getByTestId('photo-gallery').setInputFiles(broken);
  await expect(f.getByTestId('error-photos')).toBeVisible();
  await expect(f.getByTestId('error-photos')).not.toContainText('JsValue');
  expect(await englishWords(page)).toEqual([]);
});

test("2: the monitor's own photos stay on the visit's page after it has synced", async ({ page, context, server }, testInfo) => {
  test.slow();
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 8 });
  const photos = [await photoJpeg(page, testInfo.outputPath('a.jpg'), 20), await photoJpeg(page, testInfo.outputPath('b.jpg'), 200)];
  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  await page.getByTestId('add-finding').click();
  await fillFinding(page, 0, '窗口无人值守', photos);
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步', { timeout: 60_000 });
  await page.goto(`${server.url}/monitor/visits`);
  await page.getByTestId('row-entry').first().click();
  await expect(page.getByTestId('visit-view')).toBeVisible();
  const imgs = page.getByTestId('visit-view').locator('img');
  await expect(imgs).toHaveCount(2);
  await expect.poll(() => imgs.evaluateAll((is) => is.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(2);
  await keepScreenshot(page, 'visit-after-sync-photos');
  // Its times never wrap mid-value, in the longer English line either.
  await page.getByRole('button', { name: 'English' }).click();
  const times = page.getByTestId('visit-view').locator('time');
  await expect(times).toHaveCount(2);
  expect(await times.evaluateAll((ts) => ts.filter((t) => t.getClientRects().length > 1).map((t) => t.textContent))).toEqual([]);
});

test('4: the office enlarges a photo before release without changing what is sent', async ({ page, server }, testInfo) => {
  await page.goto(`${server.url}/login`);
  const photo = await photoJpeg(page, testInfo.outputPath('p.jpg'), 90);
  const monitor = await api(server.url, 'monitor05');
  const units: Unit[] = await (await monitor.get('/api/v1/units')).json();
  const bytes = require('node:fs').readFileSync(photo);
  const sha = require('node:crypto').createHash('sha256').update(bytes).digest('hex');
  const now = Date.now();
  const { uuidv7 } = await import('./helpers');
  const sent = await monitor.post('/api/v1/visits', {
    data: {
      id: uuidv7(), device_id: uuidv7(), device_seq: 1, supersedes: null, unit_id: units.find((u) => u.name === '区建设局')!.id,
      mode: 'open', methods: ['questionnaire'], started_at_device_ms: now - 600_000, ended_at_device_ms: now - 60_000,
      position: { kind: 'missing', reason: 'denied' }, notes: '', no_problem_found: false,
      findings: [{ id: uuidv7(), criterion: 'efficiency', description: '大厅无人引导', severity: 'minor', suggestion: '',
        photos: [{ id: uuidv7(), sha256: sha, bytes: bytes.length }] }],
    },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
  expect((await monitor.put(`/api/v1/photos/${sha}`, { data: bytes, headers: { 'content-type': 'image/jpeg' } })).ok()).toBe(true);
  await monitor.dispose();

  await switchUser(page, server.url, 'office');
  await page.goto(`${server.url}/office/findings`);
  await page.getByTestId('case-row').first().getByRole('link').first().click();
  const chosen = page.getByTestId('photo-chosen').first();
  const before = await chosen.isChecked();
  await page.getByTestId('office-case').locator('img').first().click();
  const big = page.getByTestId('photo-enlarged');
  await expect(big).toBeVisible();
  await expect.poll(() => big.locator('img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  const box = (await big.locator('img').boundingBox())!;
  expect(box.width).toBeGreaterThan(300);
  await keepScreenshot(page, 'office-photo-enlarged');
  await page.keyboard.press('Escape');
  await expect(big).toHaveCount(0);
  expect(await chosen.isChecked()).toBe(before);
  // In English too, and its close button closes it.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByTestId('office-case').locator('img').first().click();
  await expect(big).toBeVisible();
  await keepScreenshot(page, 'office-photo-enlarged-en');
  await big.getByTestId('photo-close').click();
  await expect(big).toHaveCount(0);
  expect(await chosen.isChecked()).toBe(before);
});

test('5: units are listed nearest first, in metres and kilometres', async ({ page, context, server }) => {
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const units: Unit[] = await (await page.request.get(`${server.url}/api/v1/units`)).json();
  const placed = units.filter((u) => u.position);
  const target = placed[placed.length - 1];
  await context.setGeolocation({ latitude: target.position!.lat + 0.00008, longitude: target.position!.lon, accuracy: 8 });
  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('position')).toContainText('精度约 8 米');
  const rows = page.getByTestId('unit-picker').getByTestId('unit-option');
  await expect(rows.first()).toContainText(target.name);
  const distances = await page.getByTestId('unit-picker').getByTestId('unit-distance').allInnerTexts();
  expect(distances.length).toBeGreaterThan(1);
  for (const d of distances) expect(d).toMatch(/^(\d{1,3} 米|\d+(\.\d)? 公里)$/);
  const metres = distances.map((d) => (d.endsWith('公里') ? parseFloat(d) * 1000 : parseFloat(d)));
  expect([...metres].sort((a, b) => a - b)).toEqual(metres);
});

test('6: a saved visit is confirmed, and a draft left empty can be discarded', async ({ page, context, server }, testInfo) => {
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 8 });

  // New, then Back: no "—" draft left behind, or one that can be discarded.
  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await page.goBack();
  await page.goto(`${server.url}/monitor/visits`);
  const drafts = page.getByTestId('row-draft');
  if ((await drafts.count()) > 0) {
    await drafts.first().getByTestId('discard-draft').click();
    await page.getByTestId('confirm-discard').click();
    await expect(drafts).toHaveCount(0);
  }
  await expect(page.getByTestId('visit-list')).not.toContainText('—');

  // A visit submitted: the home says it was saved.
  await page.goto(`${server.url}/monitor`);
  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  await page.locator('#no-problem').check();
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('saved-notice')).toBeVisible();
  await expect(page.getByTestId('saved-notice')).toContainText('已保存');
  await keepScreenshot(page, 'monitor-home-saved');
});

test('6: a draft with something in it stays until the monitor confirms discarding it; nothing submitted can be discarded', async ({ page, context, server }, testInfo) => {
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 8 });

  // One visit submitted, one begun (a unit chosen, a photo taken) and left.
  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  await page.locator('#no-problem').check();
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('saved-notice')).toBeVisible();
  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  await page.getByTestId('finding').first().getByTestId('photo-gallery').setInputFiles(await photoJpeg(page, testInfo.outputPath('d.jpg'), 60));
  await expect(page.locator('img.thumb')).toHaveCount(1);
  await page.goBack();
  await page.goto(`${server.url}/monitor/visits`);

  // The begun draft is listed under its unit; the submitted visit offers no discarding.
  const draft = page.getByTestId('row-draft');
  await expect(draft).toHaveCount(1);
  await expect(draft).toContainText(unit.name);
  await expect(page.getByTestId('row-entry').getByTestId('discard-draft')).toHaveCount(0);

  // Asked first: keeping it keeps it, across a reload.
  await draft.getByTestId('discard-draft').click();
  await expect(page.getByTestId('confirm-discard')).toBeVisible();
  expect(await englishWords(page)).toEqual([]);
  await keepScreenshot(page, 'visits-discard-ask');
  await draft.getByRole('button', { name: '保留' }).click();
  await page.reload();
  await expect(draft).toHaveCount(1);

  // Confirmed: the draft and its photo bytes are gone from the phone; the submitted visit stays.
  await draft.getByTestId('discard-draft').click();
  await page.getByTestId('confirm-discard').click();
  await expect(draft).toHaveCount(0);
  await expect(page.getByTestId('row-entry')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('row-draft')).toHaveCount(0);
  const left = await idbAll(page, 'photos');
  expect(left).toEqual([]);
});

test('7: 消息 shows how many are unread, for every role', async ({ page, server }) => {
  await releasedFinding(server.url);
  // unit01 has a new finding; monitor05's finding was released; the office has a submitted one.
  for (const user of ['unit01', 'monitor05', 'office']) {
    await switchUser(page, server.url, user);
    const inbox = await page.request.get(`${server.url}/api/v1/notifications`);
    const unread = ((await inbox.json()) as { read: boolean }[]).filter((n) => !n.read).length;
    if (unread === 0) continue;
    await expect(page.getByTestId('unread-count'), user).toHaveText(String(unread));
  }
});

test('8: the map reads without a tile server: unit labels, a legend, counted clusters, words in the user language', async ({ page, server }) => {
  await releasedFinding(server.url);
  await switchUser(page, server.url, 'office');
  await page.goto(`${server.url}/office/map`);
  await expect(page.getByTestId('map-svg')).toBeVisible();
  await expect(page.getByTestId('map-legend')).toBeVisible();
  await expect(page.getByTestId('map-label').first()).toBeVisible();
  const options = await page.getByTestId('filter-criterion').locator('option').allInnerTexts();
  expect(options.join(' ')).toContain('政务公开');
  expect(options.join(' ')).not.toContain('事务公开');
  const titles = await page.getByTestId('map-svg').locator('title').allTextContents();
  for (const t of titles) expect(t).not.toMatch(/[a-z]+_[a-z]+/);
  expect(await englishWords(page)).toEqual([]);
  await keepScreenshot(page, 'office-map');
  // In English, the criterion filter is English.
  await page.getByRole('button', { name: 'English' }).click();
  const en = await page.getByTestId('filter-criterion').locator('option').allInnerTexts();
  expect(en.join(' ')).not.toMatch(/[\u4e00-\u9fff]/);
  await keepScreenshot(page, 'office-map-en');
});

test("9: the office's pages fit a phone: the release bar, the tables, the download buttons", async ({ page, server }) => {
  await releasedFinding(server.url, '第一个问题');
  const monitor = await api(server.url, 'monitor05');
  const units: Unit[] = await (await monitor.get('/api/v1/units')).json();
  await report(monitor, units[3], '第二个问题');
  await monitor.dispose();
  await switchUser(page, server.url, 'office');
  await page.goto(`${server.url}/office/findings`);
  await page.getByTestId('select-case').first().check();
  const bar = (await page.getByTestId('release').boundingBox())!;
  expect(bar.height).toBeLessThanOrEqual(844 * 0.15);
  for (const path of ['/office/ledger', '/office/scoring']) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState('networkidle');
    // No table is cut off: each is within the page or inside a scrolling frame.
    const cut = await page.locator('table').evaluateAll((ts) =>
      ts.filter((t) => {
        const r = t.getBoundingClientRect();
        if (r.right <= window.innerWidth + 1) return false;
        let p = t.parentElement;
        while (p) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll') return false;
          p = p.parentElement;
        }
        return true;
      }).length);
    expect(cut, path).toBe(0);
    // A heading never breaks mid-word ("名/次").
    const broken = await page.locator('th').evaluateAll((hs) =>
      hs.filter((h) => {
        const lh = parseFloat(getComputedStyle(h).lineHeight) || 20;
        return h.textContent!.trim().length <= 4 && h.getBoundingClientRect().height > lh * 1.6 + 16;
      }).map((h) => h.textContent));
    expect(broken, path).toEqual([]);
  }
  // One tap to an export's file.
  await page.goto(`${server.url}/office/reports`);
  const button = page.getByTestId('export-xlsx');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
});

test('10: the words a clerk expects', async ({ page, server }) => {
  const id = await releasedFinding(server.url);
  await switchUser(page, server.url, 'office');
  await page.goto(`${server.url}/office/findings/${id}`);
  await expect(page.getByTestId('case-actions')).not.toContainText('通过');
  await expect(page.locator('nav[aria-label] >> text=办公室')).toHaveCount(0);
  await expect(page.getByTestId('breadcrumb')).toContainText('行评办');
  await page.goto(`${server.url}/office/dashboard`);
  const head = page.getByTestId('audit-head');
  await expect(head).not.toContainText(/[0-9a-f]{64}/);
  await expect(head.getByTestId('copy-fingerprint')).toBeVisible();
  await expect(head).toContainText('核对');
  await expect(page.locator('body')).not.toContainText('浏览器未准许持久保存');
  await page.goto(`${server.url}/office/roster`);
  await expect(page.getByTestId('office-roster')).not.toContainText('未聘任');

  await switchUser(page, server.url, 'unit01');
  // Dates are never wrapped mid-value.
  const wrapped = await page.locator('time, [data-testid$=-date]').evaluateAll((ts) =>
    ts.filter((t) => t.getClientRects().length > 1).map((t) => t.textContent));
  expect(wrapped).toEqual([]);
  await keepScreenshot(page, 'unit-home');
  await page.getByRole('button', { name: 'English' }).click();
  await keepScreenshot(page, 'unit-home-en');
  const inboxLink = page.locator('header').getByText('Inbox');
  await expect(inboxLink).toBeVisible();
  const overflow = await inboxLink.evaluate((e) => e.scrollWidth > e.clientWidth + 1);
  expect(overflow).toBe(false);
});
