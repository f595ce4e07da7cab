// The office's two long lists come a page at a time (100 rows, newest first): with 105 visits
// of one finding each, the findings inbox and the visit list show 100 rows and a 「加载更多」
// button that appends the other 5 and then goes away; a finding ticked on the second page is
// released with the batch, and the inbox starts over at its first page. Phone-sized.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot } from './helpers';
import { Unit, report } from './visit-helpers';

test.use({ viewport: { width: 390, height: 844 } });

const SEEDED = 105;

test('the office loads more findings and visits, a page at a time', async ({ page, server }) => {
  test.setTimeout(120_000);
  const monitor = await request.newContext({ baseURL: server.url });
  const login = await monitor.post('/api/v1/auth/login', { data: { username: 'monitor05', password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  const units: Unit[] = await (await monitor.get('/api/v1/units')).json();
  const unit = units.find((u) => u.position && u.parent_id === null)!;
  for (let n = 0; n < SEEDED; n++) {
    await report(monitor, unit, `第${n + 1}条：办事指南未公示`);
  }
  await monitor.dispose();

  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();

  // The inbox: the newest 100 first, then the rest on demand.
  await page.goto(`${server.url}/office/findings`);
  const rows = page.getByTestId('case-row');
  await expect(rows).toHaveCount(100);
  // Newest first (findings received in one millisecond are ordered by id).
  await expect(rows.first()).toContainText(/第10[0-5]条/);
  const more = page.getByTestId('load-more');
  await expect(more).toHaveText('加载更多');
  await more.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'paging-findings-more');
  await more.click();
  await expect(rows).toHaveCount(SEEDED);
  await expect(more).toHaveCount(0);
  await expect(rows.last()).toContainText(/第[1-5]条/);
  const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-case')));
  expect(new Set(ids).size).toBe(SEEDED);

  // Batch release works on rows of the second page.
  const oldest = rows.last();
  const oldestId = await oldest.getAttribute('data-case');
  await oldest.getByTestId('select-case').check();
  await page.getByTestId('release-button').click();
  await expect(page.getByTestId('released')).toBeVisible();
  await expect(rows).toHaveCount(100);
  await expect(more).toBeVisible();
  await more.click();
  await expect(rows).toHaveCount(SEEDED - 1);
  await expect(page.locator(`[data-testid=case-row][data-case="${oldestId}"]`)).toHaveCount(0);

  // The visit list, likewise.
  await page.goto(`${server.url}/office/visits`);
  const visits = page.getByTestId('office-visit');
  await expect(visits).toHaveCount(100);
  await expect(more).toBeVisible();
  await more.click();
  await expect(visits).toHaveCount(SEEDED);
  await expect(more).toHaveCount(0);
  await visits.last().scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'paging-visits-end');
});
