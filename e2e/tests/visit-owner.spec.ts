// A phone passed to another monitor: what the first monitor left in the outbox is never sent
// under the second one's session (the server would record it as theirs). It waits for its own
// monitor, and goes once that monitor signs in again.
import { test, expect } from './server';
import { signIn } from './helpers';
import { fillFinding, fillVisit, idbAll, serviceWorkerInControl, someUnit } from './visit-helpers';

test("another monitor's session never sends the first monitor's visits", async ({ page, context, server }) => {
  test.slow(); // a long flow: three times the usual timeout
  await context.grantPermissions(['geolocation']);
  await signIn(page, server.url, 'monitor11');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await serviceWorkerInControl(page);
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  const unit = await someUnit(page, server.url);
  await context.setGeolocation({ latitude: unit.position!.lat, longitude: unit.position!.lon, accuracy: 10 });

  // Offline, monitor11 submits a visit (no photos needed here).
  await context.setOffline(true);
  await page.route('**/api/**', (r) => r.abort('internetdisconnected'));
  await page.getByTestId('new-visit').click();
  await fillVisit(page, unit);
  await page.getByTestId('add-finding').click();
  await fillFinding(page, 0, '咨询台无人', []);
  await page.getByTestId('submit-visit').click();
  await expect(page.getByTestId('sync-waiting')).toContainText('1 次查访');
  const [entry] = await idbAll(page, 'outbox');

  // The phone changes hands: monitor12 signs in, online.
  await context.clearCookies();
  await page.unroute('**/api/**');
  await context.setOffline(false);
  await signIn(page, server.url, 'monitor12');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await expect(page.getByTestId('sync-phase')).toHaveText('已同步');
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容');
  await expect(page.getByTestId('quota')).toContainText('0 /');
  const theirs: any[] = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
  expect(theirs).toEqual([]);
  expect((await idbAll(page, 'outbox'))[0].state.state).toBe('waiting');

  // monitor11 again: the visit goes, under monitor11's name, once.
  await page.getByRole('button', { name: /退出|Sign out/ }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, server.url, 'monitor11');
  // (The card says nothing waits before its first count, so wait for the server's side.)
  const ids = async () => {
    const mine = await (await page.request.get(`${server.url}/api/v1/monitor/visits`)).json();
    return Array.isArray(mine) ? mine.map((v) => v.id) : mine;
  };
  await expect.poll(ids, { timeout: 60_000 }).toEqual([entry.upload.id]);
  await expect(page.getByTestId('sync-waiting')).toHaveText('没有待发送的内容');
});
