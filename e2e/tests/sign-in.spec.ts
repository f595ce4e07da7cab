// Signing in: each role lands on its own home page; a wrong password says so clearly; every
// page is screenshotted at phone size and passes the accessibility scan.
import { test, expect, DEMO_PASSWORD } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';

const roles = [
  { username: 'office', home: '/office', testid: 'home-office' },
  { username: 'monitor01', home: '/monitor', testid: 'home-monitor' },
  { username: 'unit01', home: '/unit', testid: 'home-unit' },
];

for (const role of roles) {
  test(`${role.username} signs in and lands on ${role.home}`, async ({ page, server }) => {
    await signIn(page, server.url, role.username);
    await expect(page).toHaveURL(`${server.url}${role.home}`);
    const home = page.getByTestId(role.testid);
    await expect(home).toBeVisible();
    await expect(home.locator('h1')).toBeVisible();
    // Wait until the page's data has arrived before judging it.
    await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
    await keepScreenshot(page, `home-${role.username}`);
    await expectAccessible(page);

    // Another role's home sends the user back to their own.
    const other = roles.find((r) => r.home !== role.home)!;
    await page.goto(`${server.url}${other.home}`);
    await expect(page).toHaveURL(`${server.url}${role.home}`);
  });
}

test('a wrong password shows a clear message, in Chinese and in English', async ({ page, server }) => {
  await page.goto(`${server.url}/login`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await keepScreenshot(page, 'login');
  await expectAccessible(page);
  await signIn(page, server.url, 'office', 'not-the-password');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('用户名或密码错误');
  await expect(page).toHaveURL(`${server.url}/login`);
  await keepScreenshot(page, 'login-wrong-password');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await signIn(page, server.url, 'office', 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('Wrong user name or password');
});

test('signing out returns to the login page and the session is gone', async ({ page, server }) => {
  await signIn(page, server.url, 'monitor02');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await page.getByRole('button', { name: /退出|Sign out/ }).click();
  await expect(page).toHaveURL(`${server.url}/login`);
  await page.goto(`${server.url}/monitor/visits`);
  // The login page is asked to bring the user back, and does.
  await expect(page).toHaveURL(`${server.url}/login?next=%2Fmonitor%2Fvisits`);
  await page.locator('#username').fill('monitor02');
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]').click();
  await expect(page).toHaveURL(`${server.url}/monitor/visits`);
  await expect(page.getByTestId('visit-list')).toBeVisible();
});

test('after signing in, only the role’s own pages are a way back', async ({ page, server }) => {
  for (const next of ['//evil.example/monitor', '/office', '/monitorx', 'https://evil.example/']) {
    await page.context().clearCookies();
    await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
    await page.locator('#username').fill('monitor02');
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    await expect(page).toHaveURL(`${server.url}/monitor`);
  }
});

test('two unit heads sign in one after the other in the same tab, each reaching the staff pages', async ({ page, server }) => {
  // Each sign-in starts in the field bundle (a full load of /login) and hands /unit over to the
  // staff bundle; the second hand-off to the same address must not be taken for a loop.
  for (const username of ['unit02', 'unit01']) {
    await signIn(page, server.url, username);
    await expect(page).toHaveURL(`${server.url}/unit`);
    await expect(page.getByTestId('home-unit')).toBeVisible();
    await page.getByRole('button', { name: /退出|Sign out/ }).click();
    await expect(page).toHaveURL(`${server.url}/login`);
  }
});
