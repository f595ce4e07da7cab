// 催办 at phone size: the office presses a unit on a finding it has, with a note, from the
// finding's page (a second press the same day says so and sends nothing); the unit's head finds
// it in the inbox with the office's words and opens the finding from it.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, switchUser, keepScreenshot, expectAccessible } from './helpers';
import { Unit, report } from './visit-helpers';

test('the office presses a unit on a finding and the unit reads it in its inbox', async ({ page, server }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const api = await request.newContext({ baseURL: server.url });
  const login = async (username: string) =>
    expect((await api.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } })).ok()).toBe(true);
  await login('monitor05');
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  await report(api, units.find((u) => u.name === '区建设局')!, '窗口工作人员上班时间玩手机');
  expect((await api.post('/api/v1/auth/logout')).ok()).toBe(true);
  await login('office');
  const inbox: { id: string }[] = await (await api.get('/api/v1/office/findings?state=submitted')).json();
  const caseId = inbox[0].id;
  const released = await api.post('/api/v1/office/releases', { data: { cases: [caseId], release_covert: false } });
  expect(released.ok(), await released.text()).toBe(true);
  await api.dispose();

  await signIn(page, server.url, 'office');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  await page.goto(`${server.url}/office/findings/${caseId}`);
  const urge = page.getByTestId('urge');
  await expect(urge.getByTestId('urge-button')).toHaveText('催办');
  await urge.getByTestId('urge-note').fill('请于本周内签收并反馈整改安排');
  await urge.getByTestId('urge-button').click();
  await expect(urge.getByTestId('urged')).toHaveText('已催办，单位会在消息中收到');
  await urge.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'urge-office');
  await urge.getByTestId('urge-button').click();
  await expect(urge.getByTestId('urged')).toHaveText('今天已催办过');
  await page.reload();
  await expect(page.getByTestId('history')).toContainText('行评办催办');

  await switchUser(page, server.url, 'unit01');
  await page.goto(`${server.url}/unit/inbox`);
  const note = page.locator('.inbox li', { hasText: '行评办催办' });
  await expect(note).toHaveCount(1);
  await expect(note).toContainText('请于本周内签收并反馈整改安排');
  await expect(note).not.toContainText('已完成');
  await expectAccessible(page);
  await keepScreenshot(page, 'urge-unit-inbox');
  await note.locator('a').first().click();
  await expect(page).toHaveURL(new RegExp(`/unit/findings/${caseId}$`));
  await expect(page.getByTestId('unit-text')).toBeVisible();
});
