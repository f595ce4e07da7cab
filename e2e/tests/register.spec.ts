// The self-inspection register and the public commitments: unit01 (head of 区建设局) registers a
// problem with a dated rectification, then corrects it — both versions stay on show, with the
// reason; unit02 (区科技局) files "nothing found"; and the office finds the item in its register,
// 区科技局 filed, and another unit listed as not filed. The office then adds a commitment for
// 区建设局, is refused a promise longer than the law allows, revises it and withdraws it: it
// stays on the list, marked withdrawn, with why.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, switchUser } from './helpers';
import { Unit } from './visit-helpers';

/** A day `days` from today in China Standard Time, `YYYY-MM-DD`. */
function cstDay(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

test('a unit registers and corrects a problem; the office sees it and who has not filed', async ({ page, server, browser }) => {
  test.slow(); // two roles and several forms
  // The directory, to name a top-level unit other than unit01's.
  const api = await request.newContext({ baseURL: server.url });
  expect((await api.post('/api/v1/auth/login', { data: { username: 'office', password: 'chafang-demo' } })).ok()).toBe(true);
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  await api.dispose();
  const other = units.find((u) => u.parent_id === null && !['区建设局', '区科技局'].includes(u.name))!;
  expect(other).toBeTruthy();

  // unit02 (head of 区科技局), on a computer of its own, found nothing this year and says so.
  const elsewhere = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const p2 = await elsewhere.newPage();
  await signIn(p2, server.url, 'unit02');
  await expect(p2.getByTestId('home-unit')).toBeVisible();
  await p2.goto(`${server.url}/unit/register`);
  await expect(p2.getByTestId('filing-status')).toHaveText('尚未填报');
  await p2.getByTestId('nothing-found').getByLabel('说明（可选）').fill('经自查，本年度未发现问题');
  await p2.getByTestId('file-nothing-found').click();
  await expect(p2.getByTestId('filing-status')).toHaveText('已报告本年度未发现问题');
  await expect(p2.getByTestId('nothing-found')).toHaveCount(0);
  await elsewhere.close();

  // unit01 opens the register from the navigation: nothing filed yet.
  await signIn(page, server.url, 'unit01');
  await expect(page.getByTestId('home-unit')).toBeVisible();
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '自查自纠' }).click();
  await expect(page).toHaveURL(`${server.url}/unit/register`);
  await expect(page.getByTestId('filing-status')).toHaveText('尚未填报');
  await expect(page.getByTestId('deadline')).toContainText('前填报');
  await expect(page.getByTestId('no-items')).toBeVisible();
  await expect(page.getByTestId('nothing-found')).toBeVisible();

  // A dated rectification without its date is refused on the phone, before anything is sent.
  const form = page.getByTestId('item-form');
  await form.getByLabel('发现的问题').fill('办事指南未在窗口公示，群众需多次询问');
  await form.getByLabel('群众投诉').check();
  await form.getByLabel('限期整改').check();
  await form.getByLabel('答复内容').fill('重新印制办事指南并在各窗口公示');
  await form.getByTestId('save-item').click();
  await expect(form.getByTestId('form-problem')).toHaveText('请选择不早于今天的完成日期');
  await expect(page.getByTestId('register-item')).toHaveCount(0);
  const due = cstDay(30);
  await form.getByLabel('承诺完成日期').fill(due);
  await form.getByTestId('save-item').click();

  const item = page.getByTestId('register-item');
  await expect(item).toHaveCount(1);
  // Saving says so, and shows the entry where it now is (not the empty form alone).
  await expect(page.getByTestId('item-saved')).toContainText('已登记，已列入上方「登记的问题」');
  await expect(item).toBeInViewport();
  await expect(item.getByTestId('item-description')).toHaveText('办事指南未在窗口公示，群众需多次询问');
  await expect(item.getByTestId('item-source')).toHaveText('群众投诉');
  await expect(item.getByTestId('item-answer')).toContainText('限期整改');
  await expect(item.getByTestId('item-answer')).toContainText(`承诺完成日期：${due}`);
  await expect(page.getByTestId('filing-status')).toHaveText('已登记 1 个问题');
  await expect(page.getByTestId('nothing-found')).toHaveCount(0);
  // The form is empty again for the next problem.
  await expect(form.getByLabel('发现的问题')).toHaveValue('');

  // It corrects the item: done at once after all, with the completion note and the reason.
  await item.getByTestId('correct-item').click();
  const fix = item.getByTestId('correction-form');
  await expect(fix.getByLabel('发现的问题')).toHaveValue('办事指南未在窗口公示，群众需多次询问');
  await fix.getByLabel('发现的问题').fill('办事指南未在窗口公示');
  await fix.getByLabel('立行立改').check();
  await fix.getByLabel('答复内容').fill('当日已在各窗口张贴办事指南');
  await fix.getByLabel('整改完成情况（完成后填写）').fill('已全部张贴到位');
  // Without a reason it is refused before it is sent.
  await fix.getByTestId('save-correction').click();
  await expect(fix.getByTestId('form-problem')).toHaveText('请写明更正原因');
  await fix.getByLabel('更正原因').fill('整改已提前完成');
  await fix.getByTestId('save-correction').click();
  await expect(item.getByTestId('correction-form')).toHaveCount(0);
  await expect(item.getByTestId('item-description')).toHaveText('办事指南未在窗口公示');
  await expect(item.getByTestId('item-answer')).toContainText('立行立改');
  await expect(item.getByTestId('completion')).toHaveText('整改完成：已全部张贴到位');
  // Both versions stay visible, oldest first, the second with its reason.
  const revisions = item.getByTestId('revision');
  await expect(revisions).toHaveCount(2);
  await expect(revisions.nth(0).getByTestId('revision-description')).toHaveText('办事指南未在窗口公示，群众需多次询问');
  await expect(revisions.nth(0)).toContainText('限期整改');
  await expect(revisions.nth(1).getByTestId('revision-description')).toHaveText('办事指南未在窗口公示');
  await expect(revisions.nth(1)).toContainText('整改已提前完成');
  // What is shown is what the server keeps.
  await page.reload();
  await expect(page.getByTestId('revision')).toHaveCount(2);
  await expect(page.getByTestId('filing-status')).toHaveText('已登记 1 个问题');
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await keepScreenshot(page, 'register-unit');
  await expectAccessible(page);

  // The office's register: the item with its history, 区建设局 filed, the other unit not.
  await switchUser(page, server.url, 'office');
  await page.getByTestId('link-office-register').click();
  await expect(page).toHaveURL(`${server.url}/office/register`);
  const officeItem = page.getByTestId('office-register-item');
  await expect(officeItem).toHaveCount(1);
  await expect(officeItem).toContainText('区建设局');
  await expect(officeItem.getByTestId('item-description')).toHaveText('办事指南未在窗口公示');
  await expect(officeItem.getByTestId('revision')).toHaveCount(2);
  const filed = page.locator('[data-testid=filing-row]', { hasText: '区建设局' });
  await expect(filed.locator('td').first()).toHaveText('1');
  await expect(filed).not.toContainText('未填报');
  const missing = page.getByTestId('not-filed-unit');
  await expect(missing.filter({ hasText: other.name })).toHaveCount(1);
  await expect(missing.filter({ hasText: '区建设局' })).toHaveCount(0);
  await expect(page.getByTestId('stat-filed').locator('dd')).toHaveText('2');
  const nothing = page.locator('[data-testid=filing-row]', { hasText: '区科技局' });
  await expect(nothing).toContainText('未发现问题');
  await expect(missing.filter({ hasText: '区科技局' })).toHaveCount(0);
  // Filed after the deadline (the last day of the self-inspection stage), it is listed late.
  const register = await (await page.request.get(`${server.url}/api/v1/office/register`)).json();
  const late = page.getByTestId('late-unit').filter({ hasText: '区建设局' });
  await expect(late).toHaveCount(cstDay(0) > register.deadline ? 1 : 0);
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await keepScreenshot(page, 'register-office');
  await expectAccessible(page);
  await officeItem.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'register-office-item');

  // Filtered by unit: another unit has no items.
  await page.getByTestId('unit-filter').selectOption({ label: other.name });
  await expect(page).toHaveURL(`${server.url}/office/register?unit=${other.id}`);
  await expect(page.getByTestId('no-items')).toBeVisible();
  await page.getByTestId('unit-filter').selectOption({ label: '区建设局' });
  await expect(page.getByTestId('office-register-item')).toHaveCount(1);
});

test('the office adds, revises and withdraws a unit’s commitment, which stays on record', async ({ page, server }) => {
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.getByTestId('link-office-commitments').click();
  await expect(page).toHaveURL(`${server.url}/office/commitments`);
  await expect(page.getByTestId('no-commitments')).toBeVisible();
  await expect(page.getByTestId('add-commitment')).toHaveCount(0);

  await page.getByTestId('unit-pick').selectOption({ label: '区建设局' });
  await expect(page).toHaveURL(new RegExp('/office/commitments\\?unit='));
  const add = page.getByTestId('add-commitment');
  await add.getByLabel('事项名称').fill('建筑工程施工许可证核发');
  await add.getByLabel('法定办结时限（天）').fill('15');
  await add.getByLabel('承诺办结时限（天）').fill('20');
  await add.getByLabel('收费标准').fill('不收费');
  await add.getByLabel('投诉渠道').fill('12345 政务服务热线');
  // A promise longer than the law allows is refused before it is sent.
  await add.getByTestId('save-commitment').click();
  await expect(add.getByTestId('form-problem')).toHaveText('承诺时限不能长于法定时限');
  await expect(page.getByTestId('commitment')).toHaveCount(0);
  await add.getByLabel('承诺办结时限（天）').fill('5');
  await add.getByTestId('save-commitment').click();

  const card = page.getByTestId('commitment');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('commitment-name')).toHaveText('建筑工程施工许可证核发');
  await expect(card.getByTestId('commitment-limits')).toHaveText('法定 15 天 · 承诺 5 天');
  await expect(card).toContainText('12345 政务服务热线');
  await expect(add.getByLabel('事项名称')).toHaveValue('');

  // A revision: the promise shortened; the first version stays in the record.
  await card.getByTestId('revise-commitment').click();
  await card.getByLabel('承诺办结时限（天）').fill('3');
  await card.getByTestId('save-commitment').click();
  await expect(card.getByTestId('commitment-limits').first()).toHaveText('法定 15 天 · 承诺 3 天');
  await expect(card).toContainText('已修改 1 次');
  await expect(card.getByTestId('commitment-revision')).toHaveCount(2);

  // Withdrawn with a reason: still listed, marked.
  await card.getByTestId('withdraw-commitment').click();
  await card.getByTestId('confirm-withdraw').click();
  await expect(card.getByRole('alert')).toHaveText('请写明撤销原因');
  await card.getByLabel('撤销原因').fill('该事项已划转至区行政审批局');
  await card.getByTestId('confirm-withdraw').click();
  await expect(card.getByTestId('badge-withdrawn')).toHaveText('已撤销');
  await expect(card.getByTestId('withdrawn-reason')).toHaveText('撤销原因：该事项已划转至区行政审批局');
  await expect(card.getByTestId('revise-commitment')).toHaveCount(0);
  await expect(card).toHaveAttribute('data-withdrawn', 'true');

  // After a reload, as the server keeps it: still there, still withdrawn; and it is no longer
  // among the commitments in force.
  await page.reload();
  await expect(page.getByTestId('commitment')).toHaveCount(1);
  await expect(page.getByTestId('badge-withdrawn')).toBeVisible();
  const inForce = await page.request.get(`${server.url}/api/v1/commitments`);
  expect(await inForce.json()).toEqual([]);
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await keepScreenshot(page, 'register-commitments');
  await expectAccessible(page);
});
