// The office follows the monitors: a visit submitted by monitor03 (through the API, as the
// phone would send it) shows in the office's quota table and in the office's visit list, with
// the distance from the unit phrased for people. Both pages at phone size, both accessible.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';

/** Degrees of latitude for `m` metres north (the haversine radius the domain uses). */
const northDegrees = (m: number) => (m / 6_371_000) * (180 / Math.PI);

test('the office sees a monitor’s visit in the quota table and the visit list', async ({ page, server }) => {
  // monitor03 submits one open visit, 40 m north of the unit, with one finding.
  const monitor = await request.newContext({ baseURL: server.url });
  const login = await monitor.post('/api/v1/auth/login', { data: { username: 'monitor03', password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  const me = await login.json();
  const units: Unit[] = await (await monitor.get('/api/v1/units')).json();
  const unit = units.find((u) => u.position && u.parent_id === null)!;
  expect(unit).toBeTruthy();
  const now = Date.now();
  const upload = {
    id: uuidv7(),
    device_id: uuidv7(),
    device_seq: 1,
    supersedes: null,
    unit_id: unit.id,
    mode: 'open',
    methods: ['questionnaire'],
    started_at_device_ms: now - 20 * 60_000,
    ended_at_device_ms: now - 60_000,
    position: {
      kind: 'fix',
      lat: unit.position!.lat + northDegrees(40),
      lon: unit.position!.lon,
      accuracy_m: 12,
      at_device_ms: now - 15 * 60_000,
    },
    notes: '窗口排队较长',
    no_problem_found: false,
    findings: [
      {
        id: uuidv7(),
        criterion: 'efficiency',
        description: '办事指南未公示',
        severity: 'minor',
        suggestion: '',
        photos: [],
      },
    ],
  };
  const sent = await monitor.post('/api/v1/visits', { data: upload });
  expect(sent.ok(), await sent.text()).toBe(true);
  expect((await sent.json()).complete).toBe(true);
  await monitor.dispose();

  // The office signs in through the form.
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  const table = page.getByTestId('quota-table');
  await expect(table.getByRole('table')).toBeVisible();
  const row = table.locator(`[data-testid=quota-row][data-username=monitor03]`);
  await expect(row).toContainText(me.display_name);
  await expect(row.getByTestId('quota-done')).toHaveText(/^1 \/ \d+$/);
  await expect(row).toContainText('明查 1 · 暗访 0');
  await expect(row.getByTestId('quota-pace')).not.toBeEmpty();
  // Every monitor is listed, those behind first.
  const rows = table.getByTestId('quota-row');
  expect(await rows.count()).toBe(16);
  const order = ['落后', '有落后风险', '正常', '已完成'];
  const paces = (await rows.getByTestId('quota-pace').allTextContents()).map((p) => order.indexOf(p.trim()));
  expect(paces.every((p) => p >= 0)).toBe(true);
  expect(paces).toEqual([...paces].sort((a, b) => a - b));
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await row.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'office-quota-table');
  await expectAccessible(page);

  // The visit list, reached from the home page.
  await page.getByTestId('link-office-visits').click();
  await expect(page).toHaveURL(`${server.url}/office/visits`);
  const visit = page.getByTestId('office-visit');
  await expect(visit).toHaveCount(1);
  await expect(visit).toContainText(unit.name);
  await expect(visit.getByTestId('visit-monitor')).toHaveText(me.display_name);
  await expect(visit.getByTestId('visit-mode')).toHaveText('明查');
  await expect(visit.getByTestId('visit-findings')).toHaveText('1 个问题');
  await expect(visit.getByTestId('visit-photos')).toHaveText('照片已齐');
  await expect(visit.getByTestId('visit-distance')).toHaveText('在单位 40 米处记录');
  await expect(visit.getByTestId('badge-superseded')).toHaveCount(0);
  await keepScreenshot(page, 'office-visits');
  await expectAccessible(page);

  // On a desktop screen too.
  await page.setViewportSize({ width: 1280, height: 800 });
  await keepScreenshot(page, 'office-visits-desktop');
  await page.getByRole('link', { name: '行评办工作台' }).click();
  await expect(page.getByTestId('quota-row')).toHaveCount(16);
  await keepScreenshot(page, 'office-home-desktop');
  await page.goBack();

  // The same in English.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(visit.getByTestId('visit-distance')).toHaveText('recorded 40 m from the unit');
  await expect(visit.getByTestId('visit-mode')).toHaveText('Open inspection');
});
