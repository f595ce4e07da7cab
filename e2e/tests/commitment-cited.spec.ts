// A finding cites the public commitment the unit broke (践诺守信), offline: the phone keeps the
// commitments in force from its last sync; with no signal the monitor visits a station and, for
// its finding, picks its department's commitment (another department's is not offered); the
// visit view shows the citation; once the network is back the visit syncs, the office sees the
// citation with the monitor's report, and the unit, once the finding is released, sees it too.
import { Page, request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, switchUser } from './helpers';
import { Unit, fillVisit, idbAll, serviceWorkerInControl } from './visit-helpers';

/** The office makes a commitment of a unit through the API; returns its id. */
async function commitment(base: string, unitId: string, name: string, promised: number): Promise<string> {
  const office = await request.newContext({ baseURL: base });
  expect((await office.post('/api/v1/auth/login', { data: { username: 'office', password: 'chafang-demo' } })).ok()).toBe(true);
  const res = await office.post('/api/v1/office/commitments', {
    data: { unit_id: unitId, name, legal_days: 20, promised_days: promised, fees: '不收费', complaint_channels: '12345 热线' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const id = (await res.json()).id;
  await office.dispose();
  return id;
}

/** What the phone keeps under a key of its `meta` store (parsed JSON). */
async function kept(page: Page, key: string): Promise<any> {
  return page.evaluate(
    (key) =>
      new Promise<any>((ok, fail) => {
        const r = indexedDB.open('chafang');
        r.onerror = () => fail(r.error);
        r.onsuccess = () => {
          const q = r.result.transaction('meta').objectStore('meta').get(key);
          q.onerror = () => fail(q.error);
          q.onsuccess = () => {
            r.result.close();
            ok(typeof q.result === 'string' ? JSON.parse(q.result) : q.result);
          };
        };
      }),
    key,
  );
}

/** Signs out (the cookie goes) and signs `username` in, waiting for their home page. */

test('a finding recorded offline cites its department\'s broken commitment, and the office and the unit see it', async ({ page, context, server }) => {
  test.slow(); // three roles and an offline stretch
  const office = await request.newContext({ baseURL: server.url });
  await office.post('/api/v1/auth/login', { data: { username: 'office', password: 'chafang-demo' } });
  const all: Unit[] = await (await office.get('/api/v1/units')).json();
  await office.dispose();
  const dept = all.find((u) => u.name === '区建设局')!;
  const station = all.find((u) => u.name === '建设工程质量监督站')!;
  const foreign = all.find((u) => u.name === '区科技局')!;
  expect(station.parent_id).toBe(dept.id);
  const permit = await commitment(server.url, dept.id, '建筑工程施工许可', 7);
  await commitment(server.url, foreign.id, '科技项目立项', 10);

  // The monitor's phone syncs while there is a network: it keeps the commitments in force.
  await context.grantPermissions(['geolocation']);
  const at = station.position ?? dept.position!;
  await context.setGeolocation({ latitude: at.lat + 0.0002, longitude: at.lon, accuracy: 10 });
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const cached: any[] = await kept(page, 'commitments');
  expect(cached.map((c) => c.current.name).sort()).toEqual(['建筑工程施工许可', '科技项目立项']);

  // No signal from here on.
  await context.setOffline(true);
  await page.route('**/api/**', (r) => r.abort('internetdisconnected'));
  await page.getByTestId('new-visit').click();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await fillVisit(page, station);
  await page.getByTestId('add-finding').click();
  const finding = page.getByTestId('finding').first();
  await finding.getByLabel('评议内容').selectOption({ index: 1 });
  await finding.getByLabel('问题描述').fill('施工许可超过承诺时限仍未办结，窗口称等审批');
  await finding.getByLabel('严重程度').selectOption('Serious');
  // Only the station's line is offered: its department's commitment, not another department's.
  const picker = finding.getByLabel('违反的承诺事项（选填）');
  await expect(picker.locator('optgroup')).toHaveAttribute('label', '区建设局');
  await expect(picker.locator('option')).toHaveText(['不涉及', '建筑工程施工许可（承诺 7 天办结）']);
  await picker.selectOption(permit);
  await picker.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await keepScreenshot(page, 'visit-form-commitment');
  await expectAccessible(page);

  // The choice survives a reload (the draft is saved as it is made).
  await page.reload();
  await expect(page.getByTestId('finding').first().getByLabel('违反的承诺事项（选填）')).toHaveValue(permit);
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await expect(page.getByTestId('sync-phase')).toHaveText('离线：联网后自动发送');
  const [entry] = await idbAll(page, 'outbox');
  expect(entry.upload.findings[0].commitment_id).toBe(permit);

  // The visit as the phone holds it shows the citation, offline.
  await page.goto(`${server.url}/monitor/visits/${entry.upload.id}`);
  await expect(page.getByTestId('cited-commitment')).toContainText('建筑工程施工许可（承诺 7 天办结）');
  await keepScreenshot(page, 'visit-view-commitment');

  // Back online: the visit syncs.
  await page.unroute('**/api/**');
  await context.setOffline(false);
  await page.goto(`${server.url}/monitor`);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步', { timeout: 60_000 });
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容');

  // The office sees the citation with the monitor's report.
  await switchUser(page, server.url, 'office');
  const rows: any[] = await (await page.request.get(`${server.url}/api/v1/office/findings`)).json();
  let caseId = '';
  let reporter = '';
  for (const row of rows) {
    const c = await (await page.request.get(`${server.url}/api/v1/office/findings/${row.id}`)).json();
    const report = c.reports.find((r: any) => r.finding_id === entry.upload.findings[0].id);
    if (report) [caseId, reporter] = [row.id, report.monitor];
  }
  expect(caseId).not.toBe('');
  expect(reporter).not.toBe('');
  await page.goto(`${server.url}/office/findings/${caseId}`);
  const cited = page.getByTestId('report').getByTestId('cited-commitment');
  await expect(cited).toContainText('建筑工程施工许可');
  await expect(cited).toContainText('法定 20 天 · 承诺 7 天');
  await expect(cited).toContainText('区建设局');
  await cited.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'office-finding-commitment');
  await expectAccessible(page);

  // Released (a covert visit's finding, deliberately), the unit sees it too, without the reporter.
  const released = await page.request.post(`${server.url}/api/v1/office/releases`, {
    data: { cases: [caseId], release_covert: true },
    headers: { Origin: server.url },
  });
  expect(released.status(), await released.text()).toBe(200);
  await switchUser(page, server.url, 'unit01');
  await page.goto(`${server.url}/unit/findings/${caseId}`);
  const unitCited = page.getByTestId('case-summary').getByTestId('cited-commitment');
  await expect(unitCited).toContainText('建筑工程施工许可');
  await expect(unitCited).toContainText('承诺 7 天');
  await expect(page.locator('main')).not.toContainText(reporter);
  await keepScreenshot(page, 'unit-finding-commitment');

  // The unit reads its own commitments (not another unit's) from its home page.
  await page.goto(`${server.url}/unit`);
  await page.getByTestId('link-unit-commitments').click();
  await expect(page.locator('h1')).toHaveText('本单位承诺事项');
  const own = page.getByTestId('commitment');
  await expect(own).toHaveCount(1);
  await expect(own).toContainText('建筑工程施工许可');
  await expect(own.getByTestId('commitment-limits')).toContainText('7');
  await expect(page.locator('main')).not.toContainText('科技项目立项');
  await expectAccessible(page);
  await keepScreenshot(page, 'unit-commitments');
});
