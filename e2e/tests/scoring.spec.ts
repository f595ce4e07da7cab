// The year-end appraisal (issue 6, 综合测评) at phone size: the office downloads the survey
// template, imports a CSV with one bad row (refused whole, the row named), imports the fixed
// file for every unit, corrects one unit's survey by hand (the figure shown is the one the
// source weights give), publishes after confirming, and sees the ranking with the top three
// commended and the bottom three criticised, and the check against the audit log passing.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './server';
import { signIn, keepScreenshot } from './helpers';

const HEAD = '单位编号,单位名称,非常满意,满意,基本满意,不太满意,不满意,不存在,有但不严重,严重,非常严重,虚假服务对象条数';

test.use({ viewport: { width: 390, height: 844 } });

test('the office imports survey results, corrects one, publishes and sees the ranking', async ({ page, server }) => {
  const dir = mkdtempSync(join(tmpdir(), 'chafang-scoring-'));
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.goto(`${server.url}/office/scoring`);
  await expect(page.getByTestId('office-scoring')).toBeVisible();
  const rows = page.getByTestId('scoring-row');
  await expect(rows.first()).toBeVisible();
  const year = new Date().getFullYear();
  const view = await (await page.request.get(`${server.url}/api/v1/office/scoring/${year}`)).json();
  const units: { id: string; name: string }[] = view.rows.map((r: { unit: { id: string; name: string } }) => r.unit);
  expect(units.length).toBeGreaterThan(6);
  await expect(rows).toHaveCount(units.length);

  // Publishing before any survey is entered is refused, and says why.
  const publishBox = page.getByTestId('scoring-publish');
  await page.getByTestId('scoring-publish-button').click();
  await page.getByTestId('scoring-publish-confirm').click();
  await expect(publishBox.getByTestId('scoring-error')).toBeVisible();

  // The template, downloaded through the page's link.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scoring-template').click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  expect(readFileSync((await download.path())!).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');

  // A file with a bad row: line 3 has a count that is not a number. Nothing is imported.
  const line = (i: number, u: { id: string; name: string }) =>
    `${u.id},${u.name},${10 + i},10,2,1,0,18,2,0,0,0`;
  const bad = [HEAD, line(0, units[0]), `${units[1].id},${units[1].name},很多,1,1,1,1,1,1,1,1,0`].join('\n') + '\n';
  const badPath = join(dir, 'bad.csv');
  writeFileSync(badPath, '\ufeff' + bad);
  await page.getByTestId('scoring-import-file').setInputFiles(badPath);
  const dryRun = page.getByTestId('scoring-dry-run');
  await expect(dryRun).toContainText('第 3 行');
  await expect(dryRun).toContainText('不是人数');
  await expect(dryRun.getByTestId('scoring-import-confirm')).toHaveCount(0);

  // The good file: every unit, with different counts so that the ranks differ.
  const good = [HEAD, ...units.map((u, i) => line(i, u))].join('\n') + '\n';
  const goodPath = join(dir, 'good.csv');
  writeFileSync(goodPath, '\ufeff' + good);
  await page.getByTestId('scoring-import-file').setInputFiles(goodPath);
  await expect(dryRun).toContainText(`${units.length} 行可导入，0 行不变，0 处错误`);
  await dryRun.getByTestId('scoring-import-confirm').click();
  await expect(page.getByTestId('scoring-imported')).toContainText(`已导入 ${units.length} 个单位`);
  // The cause is gone, and so is the refusal to publish.
  await expect(publishBox.getByTestId('scoring-error')).toHaveCount(0);
  // The same file again changes nothing: every row is as entered.
  await page.getByTestId('scoring-import-file').setInputFiles(goodPath);
  await expect(dryRun).toContainText(`0 行可导入，${units.length} 行不变，0 处错误`);
  await expect(page.getByTestId('scoring-rank').first()).toHaveText('1');

  // A correction by hand for 区建设局: the source's worked example, 3 falsified entries.
  // 70 × (0.7 × 0.824 + 0.3 × 0.953) = 60.389 → 60.39, − 1.5 = 58.89; inspection 30 → 88.89.
  await page.getByTestId('scoring-unit').filter({ hasText: '区建设局' }).click();
  const editor = page.getByTestId('scoring-editor');
  // The entry panel opens where the clerk looks, not below the table off-screen.
  await expect(editor).toBeVisible();
  await expect
    .poll(() => editor.evaluate((e) => Math.round(e.getBoundingClientRect().top)))
    .toBeLessThan(120);
  await expect(editor).toBeVisible();
  const counts: [string, number][] = [
    ['sat-0', 50], ['sat-1', 30], ['sat-2', 15], ['sat-3', 4], ['sat-4', 1],
    ['mis-0', 80], ['mis-1', 15], ['mis-2', 4], ['mis-3', 1], ['falsified', 3],
  ];
  for (const [id, n] of counts) await editor.getByTestId(id).fill(String(n));
  await editor.getByTestId('save-survey').click();
  await expect(editor).toHaveCount(0);
  const jianshe = rows.filter({ hasText: '区建设局' });
  await expect(jianshe.getByTestId('scoring-total')).toHaveText('88.89');

  // Publishing asks first.
  await page.getByTestId('scoring-publish-button').click();
  await page.getByTestId('scoring-publish-confirm').click();
  await expect(page.getByTestId('scoring-published')).toContainText('已发布（第 1 次）');
  await expect(page.getByTestId('scoring-check-ok')).toBeVisible();
  await expect(page.getByTestId('scoring-alarm')).toHaveCount(0);
  await expect(page.getByTestId('badge-praise')).toHaveCount(3);
  await expect(page.getByTestId('badge-criticise')).toHaveCount(3);
  const published = await (await page.request.get(`${server.url}/api/v1/office/scoring/${year}/published`)).json();
  expect(published.rows.length).toBe(units.length);
  expect(published.rows.find((r: { unit: { name: string } }) => r.unit.name === '区建设局').total_cp).toBe(8889);
  await page.evaluate(() => window.scrollTo(0, 0));
  await keepScreenshot(page, 'scoring-published');
  await rows.first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await keepScreenshot(page, 'scoring-ranking');
  await rows.last().evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await keepScreenshot(page, 'scoring-ranking-bottom');

  // The settings, on the office's desk (1280×800): every level's name shows whole, under a
  // heading that says what the numbers are.
  await page.setViewportSize({ width: 1280, height: 800 });
  const settings = page.getByTestId('scoring-settings');
  await settings.locator('summary').click();
  await expect(settings.locator('legend').first()).toHaveText('总体满意度：档次与分值');
  await expect(settings).not.toContainText('（人数）');
  const cut = await settings.locator('input.level-name').evaluateAll((inputs) =>
    (inputs as HTMLInputElement[]).filter((i) => i.scrollWidth > i.clientWidth).map((i) => i.value));
  expect(cut).toEqual([]);
  await settings.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'scoring-settings');
});
