// The office's map and dashboard at phone size, with no tile source (as on a closed network):
// two monitors send visits near two units (one open, one covert, one without a position); the
// office opens the map and sees every point the API names drawn as an SVG circle (units, visits,
// findings), filters it by monitor, taps a finding for its card and follows its link; then opens
// the dashboard and sees its charts.
import { APIRequestContext, request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';

async function phoneOf(base: string, username: string): Promise<APIRequestContext> {
  const phone = await request.newContext({ baseURL: base });
  const login = await phone.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  return phone;
}

async function sendVisit(phone: APIRequestContext, unit: Unit, mode: 'open' | 'covert', seq: number, offset: number | null, criteria: string[]) {
  const now = Date.now();
  const position =
    offset === null
      ? { kind: 'missing', reason: 'denied' }
      : { kind: 'fix', lat: unit.position!.lat + offset, lon: unit.position!.lon - offset, accuracy_m: 15, at_device_ms: now - 20 * 60_000 };
  const sent = await phone.post('/api/v1/visits', {
    data: {
      id: uuidv7(),
      device_id: uuidv7(),
      device_seq: seq,
      supersedes: null,
      unit_id: unit.id,
      mode,
      methods: ['questionnaire'],
      started_at_device_ms: now - 30 * 60_000,
      ended_at_device_ms: now - 5 * 60_000,
      position,
      notes: '',
      no_problem_found: criteria.length === 0,
      findings: criteria.map((criterion) => ({ id: uuidv7(), criterion, description: `地图测试：${criterion}`, severity: 'minor', suggestion: '', photos: [] })),
    },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
}

test('the office sees visits and findings on a plain map, and the dashboard as charts', async ({ page, server }) => {
  // Two thousand visits are sent at the end, for the clusters.
  test.setTimeout(360_000);
  await page.setViewportSize({ width: 390, height: 844 });
  const a = await phoneOf(server.url, 'monitor03');
  const b = await phoneOf(server.url, 'monitor04');
  const units: Unit[] = await (await a.get('/api/v1/units')).json();
  const u1 = units.find((u) => u.name === '区建设局')!;
  const u2 = units.find((u) => u.name === '区科技局')!;
  await sendVisit(a, u1, 'open', 1, 0.002, ['efficiency', 'openness']);
  await sendVisit(a, u2, 'open', 2, null, []);
  await sendVisit(b, u2, 'covert', 1, -0.003, ['courteous_service']);
  await a.dispose();
  await b.dispose();

  await signIn(page, server.url, 'office');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  const api = page.request;
  const all = await (await api.get(`${server.url}/api/v1/office/map`)).json();
  expect(all.visits).toHaveLength(2);
  expect(all.findings).toHaveLength(3);
  expect(all.visits_without_position).toBe(1);
  expect(all.tiles).toBeNull();

  await page.goto(`${server.url}/office/map`);
  const svg = page.getByTestId('map-svg');
  await expect(svg).toBeVisible();
  // Every point the API names is drawn, and nothing else: no tiles without a tile source.
  await expect(svg.locator('circle[data-kind=visit]')).toHaveCount(all.visits.length);
  await expect(svg.locator('circle[data-kind=finding]')).toHaveCount(all.findings.length);
  await expect(svg.locator('circle[data-kind=unit]')).toHaveCount(all.units.length);
  await expect(svg.locator('circle')).toHaveCount(all.visits.length + all.findings.length + all.units.length);
  await expect(svg.locator('image')).toHaveCount(0);
  // Every circle lies inside the drawing.
  const box = await svg.boundingBox();
  for (const c of await svg.locator('circle[data-kind=visit], circle[data-kind=finding]').all()) {
    const cb = (await c.boundingBox())!;
    expect(cb.x).toBeGreaterThanOrEqual(box!.x - 1);
    expect(cb.y).toBeGreaterThanOrEqual(box!.y - 1);
    expect(cb.x + cb.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    expect(cb.y + cb.height).toBeLessThanOrEqual(box!.y + box!.height + 1);
  }
  await expect(page.locator('.map-scale-text')).toHaveText(/\d+ (m|km)/);
  await keepScreenshot(page, 'map-office-phone');
  await expectAccessible(page);

  // By monitor: only monitor04's covert visit and its finding.
  const monitor04 = all.options.monitors.find((m: any) => all.visits.some((v: any) => v.monitor.id === m.id && v.mode === 'covert'));
  await page.getByTestId('filter-monitor').selectOption(monitor04.id);
  await expect(svg.locator('circle[data-kind=visit]')).toHaveCount(1);
  await expect(svg.locator('circle[data-kind=finding]')).toHaveCount(1);

  // Tap the finding: its card links to the finding.
  await svg.locator('circle[data-kind=finding]').first().click({ force: true });
  const card = page.getByTestId('map-card');
  await expect(card).toContainText('区科技局');
  await keepScreenshot(page, 'map-office-card');
  await card.getByTestId('card-link').click();
  await expect(page).toHaveURL(/\/office\/findings\/[0-9a-f-]{36}$/);

  // A tile source set through the form (a GCJ-02 one): tiles are drawn under the same points.
  await page.goto(`${server.url}/office/map`);
  await expect(svg.locator('circle[data-kind=visit]')).toHaveCount(all.visits.length);
  await page.getByTestId('tile-settings').locator('summary').click();
  await page.locator('#tile-url').fill('not a url');
  await page.getByTestId('tile-settings').locator('button[type=submit]').click();
  await expect(page.getByTestId('tile-settings').getByRole('alert')).toContainText('瓦片地址');
  await page.locator('#tile-url').fill(`${server.url}/tiles/{z}/{x}/{y}.png`);
  await page.locator('#tile-coords').selectOption('gcj02');
  await page.locator('#tile-attr').fill('测试底图');
  await page.getByTestId('tile-settings').locator('button[type=submit]').click();
  await expect(page.getByTestId('tile-settings').getByRole('status')).toBeVisible();
  await expect(svg.locator('image').first()).toBeAttached();
  await expect(svg.locator('circle')).toHaveCount(all.visits.length + all.findings.length + all.units.length);
  await expect(svg.locator('.map-attr')).toHaveText('测试底图');
  const saved = await (await api.get(`${server.url}/api/v1/office/map/tiles`)).json();
  expect(saved.source.coords).toBe('gcj02');
  // Cleared again: a plain background.
  await page.getByTestId('tile-settings').getByRole('button', { name: '不用底图' }).click();
  await expect(svg.locator('image')).toHaveCount(0);

  // The dashboard draws its charts.
  await page.goto(`${server.url}/office/dashboard`);
  await expect(page.getByTestId('office-dashboard')).toBeVisible();
  await expect(page.getByTestId('count-submitted').locator('dd')).toHaveText('3');
  await expect(page.getByTestId('chart-state').locator('rect.chart-total')).toHaveCount(1);
  await expect(page.getByTestId('chart-unit').locator('rect.chart-total')).toHaveCount(2);
  await expect(page.getByTestId('chart-criterion').locator('rect.chart-total')).toHaveCount(3);
  await expect(page.getByTestId('chart-month').locator('rect.chart-total')).toHaveCount(1);
  await expect(page.getByTestId('chart-month').locator('title').first()).toHaveText(/月|month/i);
  await keepScreenshot(page, 'dashboard-office-phone');
  await page.getByTestId('by-unit').scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'dashboard-office-phone-units');
  await expectAccessible(page);

  // Usable at desktop width too.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${server.url}/office/map`);
  await expect(svg.locator('circle[data-kind=finding]')).toHaveCount(all.findings.length);
  await keepScreenshot(page, 'map-office-desktop');

  // Past the limit the server gathers the points on a grid: the page draws the clusters, says
  // so, and every placed visit is in one of them.
  await page.setViewportSize({ width: 390, height: 844 });
  const c = await phoneOf(server.url, 'monitor05');
  const device = uuidv7();
  const many = 2000;
  for (let start = 0; start < many; start += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, k) => {
        const i = start + k;
        const dlat = (i % 40) * 0.0005;
        const dlon = Math.floor(i / 40) * 0.0005;
        return sendVisitAt(c, u1, device, i + 1, dlat, dlon);
      }),
    );
  }
  await c.dispose();
  const gathered = await (await api.get(`${server.url}/api/v1/office/map`)).json();
  expect(gathered.visits).toHaveLength(0);
  expect(gathered.clusters.length).toBeGreaterThan(1);
  const inClusters = gathered.clusters.reduce((n: number, cl: any) => n + cl.visits, 0);
  expect(inClusters).toBe(gathered.visit_total - gathered.visits_without_position);
  await page.goto(`${server.url}/office/map`);
  await expect(svg.locator('circle[data-kind=cluster]')).toHaveCount(gathered.clusters.length);
  await expect(svg.locator('circle[data-kind=visit]')).toHaveCount(0);
  await expect(page.locator('main p.notice')).toBeVisible();
  await keepScreenshot(page, 'map-office-clusters');
});

// A visit with nothing found at an offset (degrees) from a unit, from one device.
async function sendVisitAt(phone: APIRequestContext, unit: Unit, device: string, seq: number, dlat: number, dlon: number) {
  const now = Date.now();
  const sent = await phone.post('/api/v1/visits', {
    data: {
      id: uuidv7(),
      device_id: device,
      device_seq: seq,
      supersedes: null,
      unit_id: unit.id,
      mode: 'open',
      methods: ['questionnaire'],
      started_at_device_ms: now - 30 * 60_000,
      ended_at_device_ms: now - 5 * 60_000,
      position: { kind: 'fix', lat: unit.position!.lat + dlat, lon: unit.position!.lon + dlon, accuracy_m: 15, at_device_ms: now - 20 * 60_000 },
      notes: '',
      no_problem_found: true,
      findings: [],
    },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
}
