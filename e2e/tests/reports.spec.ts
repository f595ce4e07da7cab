// Spreadsheets (issue 6): the office downloads the district's registration form from
// /office/reports — a real xlsx, whose sheet has the paper form's headings and the monitor's
// rows — and unit01 downloads its own export from /unit/reports, which the canary scan finds
// clean: no monitor's name or account, no visit or device id, no visit notes, nothing that
// tells an open visit from a covert one.
import { request } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';
import { xlsxParts } from './xlsx';

const NOTES = 'CanaryNotesE2eQ7x 扮作办事群众';

test('the office downloads the registration form, and a unit head its own export without the reporter', async ({ page, server }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  // monitor07 reports an open and a covert visit to 区建设局.
  const phone = await request.newContext({ baseURL: server.url });
  const login = await phone.post('/api/v1/auth/login', { data: { username: 'monitor07', password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  const monitorName: string = (await login.json()).display_name;
  const units: Unit[] = await (await phone.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  const device = uuidv7();
  const now = Date.now();
  const visits = ['open', 'covert'].map((mode, i) => ({
    id: uuidv7(),
    device_id: device,
    device_seq: i + 1,
    supersedes: null,
    unit_id: unit.id,
    mode,
    methods: ['consult_recipients'],
    started_at_device_ms: now - (90 - i * 30) * 60_000,
    ended_at_device_ms: now - (80 - i * 30) * 60_000,
    position: { kind: 'fix', lat: unit.position!.lat, lon: unit.position!.lon, accuracy_m: 15, at_device_ms: now - 85 * 60_000 },
    notes: NOTES,
    no_problem_found: false,
    findings: [
      {
        id: uuidv7(),
        criterion: 'efficiency',
        description: mode === 'open' ? '窗口只开一个，排队四十分钟' : '工作人员上班时间玩手机',
        severity: 'serious',
        suggestion: '',
        photos: [],
      },
    ],
  }));
  for (const v of visits) {
    const sent = await phone.post('/api/v1/visits', { data: v });
    expect(sent.ok(), await sent.text()).toBe(true);
  }
  await phone.dispose();

  // The office releases both (the covert one deliberately).
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  const rows = await (await page.request.get(`${server.url}/api/v1/office/findings?state=submitted`)).json();
  expect(rows).toHaveLength(2);
  const released = await page.request.post(`${server.url}/api/v1/office/releases`, {
    data: { cases: rows.map((r: { id: string }) => r.id), release_covert: true },
  });
  expect(released.ok(), await released.text()).toBe(true);

  // The office's page: the district's registration form of this year, as xlsx.
  await page.goto(`${server.url}/office/reports`);
  await expect(page.getByTestId('office-reports')).toBeVisible();
  await expect(page.getByTestId('report-scope')).toContainText(monitorName);
  await page.getByTestId('export-xlsx').click();
  const link = page.getByTestId('report-download');
  await expect(link).toBeVisible();
  await expect(page.getByTestId('report-done')).toContainText('2 行');
  await keepScreenshot(page, 'reports-office');
  await expectAccessible(page);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^明查暗访登记表-全区-\d{4}\.xlsx$/);
  const office = readFileSync((await download.path())!);
  expect(office.subarray(0, 2).toString()).toBe('PK');
  const parts = xlsxParts(office);
  const workbook = parts.find((p) => p.name === 'xl/workbook.xml')!.text;
  expect(workbook).toContain('name="全区"');
  const sheet = parts.find((p) => p.name === 'xl/worksheets/sheet1.xml')!.text;
  for (const heading of ['序号', '被查单位', '时间', '明查/暗访', '方式', '评议内容', '发现问题', '整改情况', '监督员']) {
    expect(sheet).toContain(`<t>${heading}</t>`);
  }
  expect(sheet).toContain('ySplit="1"');
  expect(sheet).toContain(monitorName);
  expect(sheet).toContain('暗访');
  expect(sheet.match(/<row /g)).toHaveLength(3);

  // A bad year is refused in the server's words.
  await page.getByTestId('report-year').fill('1999');
  await page.getByTestId('export-csv').click();
  await expect(page.getByTestId('report-error')).toContainText('1999');

  // The unit head's own export, as xlsx and as CSV: both findings, and no canary.
  await page.context().clearCookies();
  await signIn(page, server.url, 'unit01');
  await expect(page.getByTestId('home-unit')).toBeVisible();
  await page.goto(`${server.url}/unit/reports`);
  await expect(page.getByTestId('unit-reports')).toBeVisible();
  await page.getByTestId('export-xlsx').click();
  await expect(page.getByTestId('report-download')).toBeVisible();
  await keepScreenshot(page, 'reports-unit');
  await expectAccessible(page);
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download').click()]);
  expect(xlsx.suggestedFilename()).toMatch(/^明查暗访登记表-区建设局-\d{4}\.xlsx$/);
  const unitText = xlsxParts(readFileSync((await xlsx.path())!))
    .map((p) => p.text)
    .join('\n');
  await page.getByTestId('export-csv').click();
  await expect(page.getByTestId('report-download')).toHaveText(/\.csv$/);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download').click()]);
  const csvText = readFileSync((await csv.path())!).toString('utf8');
  expect(csvText.startsWith('\ufeff序号,')).toBe(true);
  for (const text of [unitText, csvText]) {
    expect(text).toContain('窗口只开一个，排队四十分钟');
    expect(text).toContain('工作人员上班时间玩手机');
    for (const canary of [monitorName, 'monitor07', device, NOTES, visits[0].id, visits[1].id, '暗访', '明查', 'covert']) {
      expect(text, `the unit's export holds ${canary}`).not.toContain(canary);
    }
  }
});
