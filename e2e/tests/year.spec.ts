// Issue 5's whole path, in one sitting: the office opens next year's campaign, imports units
// from an xlsx with one bad row (sees the error, fixes it, imports), appoints a monitor (a
// conflicting term is refused with the reason), enrols the monitor's phone by code, and sees
// the quota ledger move when the visit recorded on that phone syncs.
import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect } from './server';
import { signIn, keepScreenshot } from './helpers';
import { fillFinding, fillVisit, photoJpeg, serviceWorkerInControl, Unit } from './visit-helpers';
import { fillTemplate } from './xlsx';

const PHONE = { width: 390, height: 844 };

test('the office runs the year: campaign, units, roster, a phone enrolled, the ledger moving', async ({ page, browser, server }, testInfo) => {
  test.slow();
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  const thisYear: number = (await (await page.request.get(`${server.url}/api/v1/campaigns/current`)).json()).year;

  // 1. Next year's campaign, opened from the source calendar's defaults.
  await page.getByTestId('link-office-campaigns').click();
  const form = page.getByTestId('open-form');
  await expect(form.getByTestId('open-year')).toHaveValue(String(thisYear + 1));
  await form.locator('[data-testid=key-unit][data-name=区建设局]').check();
  await form.getByTestId('open-campaign').click();
  await expect(page).toHaveURL(new RegExp(`/office/campaigns/${thisYear + 1}$`));
  await expect(page.getByTestId('year-state')).toHaveText('进行中');

  // 2. Units from an xlsx: the first file lacks an address in row 3; nothing is written until
  // the fixed file is confirmed.
  await page.goto(`${server.url}/office/units`);
  await expect(page.getByTestId('unit-tree')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-template').click()]);
  const template = readFileSync((await download.path())!);
  const sheet = (address: string) => [
    ['区统计局', '', '部门', '城关街道 500 号', '30.2741', '120.1551', '赵统计', '0571-86000500', '钱联络', '13800000500', '区统计局行风办'],
    ['统计咨询窗口', '区统计局', '服务窗口', address, '30.2745', '120.1556', '', '', '', '', ''],
  ];
  const bad = testInfo.outputPath('统计局名录.xlsx');
  writeFileSync(bad, fillTemplate(template, sheet('')));
  await page.getByTestId('import-file').setInputFiles(bad);
  const dryRun = page.getByTestId('dry-run');
  await expect(dryRun.getByTestId('import-error')).toHaveText(['第 3 行: 缺少地址']);
  await expect(dryRun.getByTestId('confirm-import')).toBeDisabled();
  const before: { unit: { name: string } }[] = await (await page.request.get(`${server.url}/api/v1/office/units`)).json();
  expect(before.some((u) => u.unit.name === '区统计局')).toBe(false);
  const fixed = testInfo.outputPath('统计局名录-改.xlsx');
  writeFileSync(fixed, fillTemplate(template, sheet('城关街道 502 号')));
  await page.getByTestId('import-file').setInputFiles(fixed);
  await expect(dryRun.getByTestId('count-errors').locator('dd')).toHaveText('0');
  await dryRun.getByTestId('confirm-import').click();
  await expect(page.getByTestId('import-done')).toContainText('新增 2 个');
  await expect(page.locator('[data-testid=unit-node][data-name=统计咨询窗口]')).toBeVisible();

  // 3. A new district monitor; the same person on a unit's own team in an overlapping term is
  // refused, with the clash named.
  await page.goto(`${server.url}/office/roster`);
  await page.getByTestId('add-monitor').click();
  const add = page.getByTestId('add-monitor-form');
  await add.locator('#m-name').fill('周立新');
  await add.locator('#m-username').fill('zhou.lx');
  await add.locator('#m-phone').fill('139 0013 9001');
  await add.locator('#m-background').selectOption('enterprise');
  await add.locator('#m-team').selectOption('district');
  await page.getByTestId('submit-monitor').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('周立新');
  await expect(page.getByTestId('service-status')).toHaveText('在聘');
  const teams = page.locator('#a-team option');
  await expect(teams).not.toHaveCount(2);
  await page.locator('#a-team').selectOption((await teams.nth(2).getAttribute('value'))!);
  await page.getByTestId('submit-appoint').click();
  await expect(page.getByTestId('appoint-error')).toContainText('利益冲突');
  await expect(page.getByTestId('term')).toHaveCount(1);

  // 4. The phone, enrolled by the code the office shows.
  await page.getByTestId('issue-code').click();
  const url = (await page.getByTestId('enrol-url').textContent())!.trim();
  const phone = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  await phone.grantPermissions(['geolocation']);
  const p = await phone.newPage();
  await p.goto(url);
  await p.locator('#enrol-password').fill('zhou-phone-2026');
  await p.locator('#enrol-repeat').fill('zhou-phone-2026');
  await p.getByTestId('enrol-submit').click();
  await expect(p.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(p);
  await expect(p.getByTestId('sync-phase')).toHaveText('已同步');

  // The ledger before: the new monitor has done nothing yet.
  await page.goto(`${server.url}/office/ledger`);
  const row = page.locator('[data-testid=ledger-row][data-username="zhou.lx"]');
  await expect(row.getByTestId('ledger-done')).toHaveText(/^0 \//);

  // 5. A visit to the imported window, recorded on the phone; it syncs, and the ledger moves.
  const units: Unit[] = await (await p.request.get(`${server.url}/api/v1/units`)).json();
  const window = units.find((u) => u.name === '统计咨询窗口')!;
  expect(window.position).toBeTruthy();
  await phone.setGeolocation({ latitude: window.position!.lat + 0.0001, longitude: window.position!.lon, accuracy: 10 });
  const photo = await photoJpeg(p, testInfo.outputPath('window.jpg'), 30);
  await p.getByTestId('new-visit').click();
  await expect(p.getByTestId('visit-form')).toBeVisible();
  await fillVisit(p, window);
  await p.getByTestId('add-finding').click();
  await fillFinding(p, 0, '窗口未公示办理时限', [photo]);
  await p.getByTestId('submit-visit').click();
  await expect(p.getByTestId('home-monitor')).toBeVisible();
  await expect(p.getByTestId('sync-phase')).toHaveText('已同步', { timeout: 30_000 });
  await phone.close();

  await page.reload();
  await expect(row.getByTestId('ledger-done')).toHaveText(/^1 \//);
  await expect(row.getByTestId('ledger-last')).not.toHaveText('尚无');
  await row.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'year-ledger-moved');
});
