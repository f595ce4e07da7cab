// The roster and enrolling a phone: the office adds a monitor to the district team and renews
// the term; appointing the same monitor to a unit's own team in an overlapping term is refused
// with the clash named on the page. The office issues an enrolment code; a second browser (the
// new phone, phone-sized) opens the code's link, sets a password and lands on the monitor's
// home; the same code is refused the second time. A unit head sees its own team fall short.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';

const PHONE = { width: 390, height: 844 };

test('the office adds a monitor, is refused a conflicting term, and enrols the phone by code', async ({ page, browser, server }) => {
  test.slow();
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.goto(`${server.url}/office/roster`);
  await expect(page.getByTestId('office-roster')).toBeVisible();
  // The demo monitors serve on the district team this year, as the ledger counts them.
  await expect(page.getByTestId('roster-row')).toHaveCount(16);
  await expect(page.locator('[data-testid=roster-row][data-username=monitor01]')).toContainText('在聘');
  await expect(page.getByTestId('office-roster')).not.toContainText('未聘任');

  // A new district monitor.
  await page.getByTestId('add-monitor').click();
  const form = page.getByTestId('add-monitor-form');
  await form.locator('#m-name').fill('王晓明');
  await form.locator('#m-username').fill('wang.xm');
  await form.locator('#m-phone').fill('139 0013 9000');
  await form.locator('#m-address').fill('城关街道 12 号');
  await form.locator('#m-background').selectOption('enterprise');
  await form.locator('#m-team').selectOption('district');
  await expectAccessible(page);
  await page.getByTestId('submit-monitor').click();
  await expect(page).toHaveURL(/\/office\/roster\/[0-9a-f-]{36}$/);
  const monitorUrl = page.url();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('王晓明');
  await expect(page.getByTestId('first-password')).toBeVisible();
  await expect(page.getByTestId('service-status')).toHaveText('在聘');
  await expect(page.getByTestId('term')).toHaveCount(1);

  // A renewal (续聘) follows the first term, which stays in the history.
  await page.getByTestId('renew').click();
  await expect(page.getByTestId('term')).toHaveCount(2);
  await expect(page.getByTestId('term').nth(1)).toContainText('续聘');
  // The outcome says what was done: a renewal, not 已聘任 from before.
  await expect(page.getByTestId('appointed')).toHaveText('已续聘');
  await expect(page.getByTestId('renew')).toHaveCount(1);

  // The same monitor on a unit's own team, overlapping the district term: refused, the clash named.
  const teams = page.locator('#a-team option');
  await expect(teams).not.toHaveCount(2); // the units have loaded beside 请选择 and 区级
  const unitTeam = await teams.nth(2).getAttribute('value');
  await page.locator('#a-team').selectOption(unitTeam!);
  await page.getByTestId('submit-appoint').click();
  const refused = page.getByTestId('appoint-error');
  await expect(refused).toBeVisible();
  await expect(refused).toHaveAttribute('role', 'alert');
  await expect(refused).toContainText('利益冲突');
  await expect(refused).toContainText('区级监督员');
  await expect(page.getByTestId('term')).toHaveCount(2);

  // An enrolment code: the QR code and the code as text, with its expiry and link.
  await page.getByTestId('issue-code').click();
  const code = (await page.getByTestId('enrol-code').textContent())!.trim();
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  await expect(page.getByTestId('enrol-expires')).toContainText('有效期至');
  const qr = page.getByTestId('enrol-qr').locator('svg');
  await expect(qr).toBeVisible();
  const box = (await qr.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(240); // readable on a phone-sized screen
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  const url = (await page.getByTestId('enrol-url').textContent())!.trim();
  expect(url).toBe(`${server.url}/enrol?code=${code}`);
  await expectAccessible(page);
  await page.getByTestId('enrolment').scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'roster-monitor-qr');

  // The roster lists the new monitor on the district team with the first term.
  await page.goto(`${server.url}/office/roster`);
  const row = page.locator('[data-testid=roster-row][data-username="wang.xm"]');
  await expect(row).toContainText('王晓明');
  await expect(row).toContainText('企业代表');
  await expect(row).toContainText('在聘');
  // The sixteen demo monitors and the new one.
  await expect(page.locator('[data-testid=roster-team][data-team=district]')).toContainText('在聘 17 人');
  await keepScreenshot(page, 'roster');

  // The new phone opens the link, sets a password and is the monitor's.
  const phone = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const p = await phone.newPage();
  await p.goto(url);
  await expect(p.getByTestId('enrol')).toBeVisible();
  await expect(p.locator('#enrol-code')).toHaveValue(code);
  await p.locator('#enrol-password').fill('new-phone-pass');
  await p.locator('#enrol-repeat').fill('new-phone-pas');
  await p.getByTestId('enrol-submit').click();
  await expect(p.getByTestId('enrol-error')).toHaveText('两次输入的密码不一致');
  await p.locator('#enrol-repeat').fill('new-phone-pass');
  await expectAccessible(p);
  await keepScreenshot(p, 'enrol');
  await p.getByTestId('enrol-submit').click();
  await expect(p).toHaveURL(`${server.url}/monitor`);
  await expect(p.getByTestId('home-monitor')).toBeVisible();
  await expect(p.getByText('王晓明').first()).toBeVisible();
  await phone.close();

  // The password set on the phone is the account's.
  const api = await request.newContext({ baseURL: server.url });
  const login = await api.post('/api/v1/auth/login', { data: { username: 'wang.xm', password: 'new-phone-pass' } });
  expect(login.status()).toBe(200);
  await api.dispose();

  // The same code a second time, typed in lower case without the dash: refused.
  const again = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const q = await again.newPage();
  await q.goto(`${server.url}/enrol`);
  await q.locator('#enrol-code').fill(code.replace('-', '').toLowerCase());
  await q.locator('#enrol-password').fill('another-pass');
  await q.locator('#enrol-repeat').fill('another-pass');
  await q.getByTestId('enrol-submit').click();
  await expect(q.getByTestId('enrol-error')).toContainText('绑定码无效');
  await expect(q).toHaveURL(/\/enrol$/);
  await again.close();

  // The office sees that the phone is bound.
  await page.goto(monitorUrl);
  await expect(page.getByTestId('enrol-bound')).toContainText('手机已于');
  await expect(page.getByTestId('enrol-bound')).toContainText('用绑定码绑定');

  // Ending the service closes the account; the records stay.
  await page.getByTestId('end-service').click();
  await page.getByTestId('end-yes').click();
  await expect(page.getByTestId('service-status')).toHaveText('已终止服务');
  await expect(page.getByTestId('service-closed')).toBeVisible();
  await expect(page.getByTestId('term')).toHaveCount(2);
});

test('ending a new monitor’s service takes the first password off the page', async ({ page, server }) => {
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.goto(`${server.url}/office/roster`);
  await page.getByTestId('add-monitor').click();
  const form = page.getByTestId('add-monitor-form');
  await form.locator('#m-name').fill('李青');
  await form.locator('#m-username').fill('li.q');
  await form.locator('#m-phone').fill('139 0013 9001');
  await form.locator('#m-background').selectOption('enterprise');
  await form.locator('#m-team').selectOption('district');
  await page.getByTestId('submit-monitor').click();
  await expect(page.getByTestId('first-password')).toBeVisible();
  await page.getByTestId('end-service').click();
  await page.getByTestId('end-yes').click();
  await expect(page.getByTestId('service-status')).toHaveText('已终止服务');
  await expect(page.getByTestId('first-password')).toHaveCount(0);
});

test('a unit head sees its own team and how it falls short', async ({ page, server }) => {
  await signIn(page, server.url, 'unit01');
  await expect(page.getByTestId('home-unit')).toBeVisible();
  await page.goto(`${server.url}/unit/team`);
  await expect(page.getByTestId('unit-team')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2 }).first()).toHaveText('区建设局');
  await expect(page.getByTestId('team-shortfall')).toContainText('还差 4 人');
  await expect(page.getByTestId('team-shortfall')).toContainText('服务对象还差 2 人');
  await expectAccessible(page);
  await keepScreenshot(page, 'unit-team');
});
