// The app shell works offline: after one online visit the service worker has cached it, and a
// reload with the server stopped still opens the app. (Playwright's setOffline does not cut
// requests made by a service worker, so the server itself is stopped.)
import { test, expect } from './server';
import { signIn, keepScreenshot } from './helpers';

test('after one online visit, a reload with the server stopped still shows the app', async ({ page, server }) => {
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  // Wait until the service worker is active and controls this page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((ok) => navigator.serviceWorker.addEventListener('controllerchange', ok, { once: true }));
    }
  });

  await server.stop();
  const check = await page.request.get(`${server.url}/api/v1/health`).catch(() => null);
  expect(check, 'the server is really down').toBeNull();

  await page.reload();
  await expect(page.locator('header')).toContainText('查访');
  await expect(page.getByRole('alert')).toContainText('无法连接服务器');
  await keepScreenshot(page, 'offline-reload');

  // A deep link that was never opened online opens too (the SPA shell is cached).
  await page.goto(`${server.url}/monitor/visits`);
  await expect(page.locator('header')).toContainText('查访');
  // The office's pages are the staff bundle, never precached on a monitor's phone: offline,
  // the field shell says so instead of a browser error.
  await page.goto(`${server.url}/office`);
  await expect(page.getByTestId('staff-offline')).toContainText('需要联网');

  // When the server comes back, the app works again.
  await server.start();
  await page.goto(`${server.url}/monitor`);
  await expect(page.getByTestId('home-monitor')).toBeVisible();
});
