// The office imports the unit directory from an xlsx (issue 5): it downloads the template,
// fills it in with a new department and its window, and imports it. The first file has one
// bad row (the window has no address): the dry run names it as the server words it, nothing
// is written and the import cannot be confirmed. The fixed file's dry run shows the two
// creations; meanwhile someone else imports the department, so the confirmation is refused
// (409) and the page offers the dry run again; the new dry run creates only the window, the
// office confirms, and the new units show in the tree. At phone size, with screenshots.
//
// The xlsx is real: see `xlsx.ts`.
import { Page } from '@playwright/test';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';
import { fillTemplate } from './xlsx';

/** The template's rows: a new department, and its window with the given address. */
function rows(windowAddress: string): string[][] {
  // 单位名称, 上级单位, 类型, 地址, 纬度, 经度, 负责人, 负责人电话, 联络员, 联络员电话, 领导小组办公室
  return [
    ['区审计局', '', '部门', '城关街道 300 号', '', '', '王审计', '0571-86000001', '李联络', '13800000001', '区审计局行风办'],
    ['审计咨询窗口', '区审计局', '服务窗口', windowAddress, '', '', '', '', '', '', ''],
  ];
}

async function chooseFile(page: Page, path: string) {
  await page.getByTestId('import-file').setInputFiles(path);
}

test('the office imports units from an xlsx with a bad row, fixes it and imports', async ({ page, server }) => {
  const dir = mkdtempSync(join(tmpdir(), 'chafang-import-'));
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.getByTestId('link-office-units').click();
  await expect(page.getByTestId('unit-tree')).toBeVisible();
  // The demo directory, by kind; the department to be imported is not in it.
  await expect(page.locator('[data-testid=unit-node][data-name=区建设局]')).toBeVisible();
  await expect(page.locator('[data-testid=unit-node][data-name=区审计局]')).toHaveCount(0);

  // The template, downloaded through the page's link.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-template').click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const template = readFileSync((await download.path())!);
  expect(template.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');

  // The first file: row 3 (the window) has no address. The upload shows its progress.
  const bad = join(dir, '审计局名录.xlsx');
  writeFileSync(bad, fillTemplate(template, rows('')));
  // The dry run's request is held until the progress has been seen, then let through.
  let release!: () => void;
  const seen = new Promise<void>((ok) => (release = ok));
  await page.route('**/api/v1/office/directory/import/dry-run', async (route) => {
    await seen;
    await route.continue();
  });
  await chooseFile(page, bad);
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  release();
  const dryRun = page.getByTestId('dry-run');
  await expect(dryRun).toBeVisible();
  await page.unroute('**/api/v1/office/directory/import/dry-run');
  await expect(page.getByTestId('upload-progress')).toHaveCount(0);
  await expect(dryRun.getByTestId('count-errors').locator('dd')).toHaveText('1');
  const errors = dryRun.getByTestId('import-error');
  await expect(errors).toHaveCount(1);
  await expect(errors.first()).toHaveText('第 3 行: 缺少地址');
  await expect(dryRun.getByTestId('confirm-import')).toBeDisabled();
  await expect(dryRun).toContainText('审计局名录.xlsx');
  await errors.first().scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'directory-dry-run-error');
  await expectAccessible(page);
  // Nothing was written.
  let units: { unit: { name: string } }[] = await (await page.request.get(`${server.url}/api/v1/office/units`)).json();
  expect(units.some((u) => u.unit.name === '区审计局')).toBe(false);

  // The fixed file: two units to create, none with an error.
  const fixed = join(dir, '审计局名录-改.xlsx');
  writeFileSync(fixed, fillTemplate(template, rows('城关街道 301 号')));
  await chooseFile(page, fixed);
  await expect(dryRun).toContainText('审计局名录-改.xlsx');
  await expect(dryRun.getByTestId('count-errors').locator('dd')).toHaveText('0');
  await expect(dryRun.getByTestId('count-creates').locator('dd')).toHaveText('2');
  await expect(dryRun.getByTestId('import-error')).toHaveCount(0);
  await expect(dryRun.locator('[data-testid=import-row][data-action=create]')).toHaveCount(2);
  await expect(dryRun.getByTestId('confirm-import')).toBeEnabled();

  // Someone else imports the department meanwhile (a CSV, without a dry run's token): the
  // plan is no longer the one shown, so the confirmation is refused and nothing is written.
  const csv = '\ufeff单位名称,上级单位,类型,地址\n区审计局,,部门,城关街道 300 号\n';
  const other = await page.request.post(`${server.url}/api/v1/office/directory/import`, {
    data: Buffer.from(csv, 'utf8'),
    headers: { 'Content-Type': 'text/csv' },
  });
  expect(other.status(), await other.text()).toBe(200);
  await dryRun.getByTestId('confirm-import').click();
  await expect(page.getByTestId('import-stale')).toBeVisible();
  units = await (await page.request.get(`${server.url}/api/v1/office/units`)).json();
  expect(units.some((u) => u.unit.name === '审计咨询窗口')).toBe(false);

  // The dry run again, with the same bytes: the department is there now, the window is new.
  await page.getByTestId('redo-dry-run').click();
  await expect(page.getByTestId('import-stale')).toHaveCount(0);
  await expect(dryRun.getByTestId('count-creates').locator('dd')).toHaveText('1');
  await expect(dryRun.getByTestId('count-updates').locator('dd')).toHaveText('1');
  // The department's row fills in the contacts the CSV left out, each shown old → new.
  const update = dryRun.locator('[data-testid=import-row][data-action=update]');
  await expect(update).toContainText('区审计局');
  await expect(update).toContainText('王审计');
  await dryRun.getByTestId('confirm-import').click();
  const done = page.getByTestId('import-done');
  await expect(done).toContainText('新增 1 个、修改 1 个单位');
  await expect(dryRun).toHaveCount(0);

  // The tree reloads with the new units, their department unfolded and marked.
  const department = page.locator('[data-testid=unit-node][data-name=区审计局]');
  await expect(department).toBeVisible();
  const window = department.locator('[data-testid=unit-node][data-name=审计咨询窗口]');
  await expect(window).toBeVisible();
  await expect(window.getByTestId('touched')).toHaveText('新增');
  await expect(window).toContainText('城关街道 301 号');
  await expect(department).toContainText('王审计 0571-86000001');
  units = await (await page.request.get(`${server.url}/api/v1/office/units`)).json();
  expect(units.filter((u) => ['区审计局', '审计咨询窗口'].includes(u.unit.name))).toHaveLength(2);
  await department.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'directory-imported');
  // The page does not scroll sideways at phone width.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
