// The inbox, fed by real events. The office sends monitor01 a quota reminder (through the API
// route, signed in as the office in the browser): the monitor finds it in the phone's inbox,
// unread, and marks it read. A monitor's finding about 区建设局 is released by the office: unit01
// finds "new finding" in the unit's inbox — without the reporter — follows it to the finding,
// which marks it read.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';

test('a reminder reaches the monitor’s inbox, which marks it read', async ({ page, server }) => {
  const phone = await request.newContext({ baseURL: server.url });
  const login = await phone.post('/api/v1/auth/login', { data: { username: 'monitor01', password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  const monitor = await login.json();
  await phone.dispose();

  // The office, signed in in the browser, sends the reminder through the API route.
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  const current = await (await page.request.get(`${server.url}/api/v1/campaigns/current`)).json();
  const sent = await page.request.post(`${server.url}/api/v1/office/campaigns/${current.year}/reminders`, {
    data: { monitors: [monitor.id], message: '请本月内完成两次暗访' },
  });
  expect(sent.status(), await sent.text()).toBe(201);
  // The office's own inbox has nothing of it.
  await page.goto(`${server.url}/office/inbox`);
  await expect(page.getByTestId('inbox-empty')).toBeVisible();

  await page.context().clearCookies();
  await signIn(page, server.url, 'monitor01');
  await expect(page.getByTestId('home-monitor')).toBeVisible();
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '消息' }).click();
  await expect(page).toHaveURL(`${server.url}/monitor/inbox`);
  const note = page.getByTestId('notification');
  await expect(note).toHaveCount(1);
  await expect(note).toHaveAttribute('data-kind', 'reminder');
  await expect(note).toContainText('明查暗访任务催办');
  await expect(note).toContainText('请本月内完成两次暗访');
  await expect(note).toHaveClass(/\bunread\b/);
  await expect(note.getByTestId('unread')).toHaveText('未读');
  await expect(page.getByTestId('inbox-unread')).toHaveText('1 条未读');
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await keepScreenshot(page, 'inbox-monitor');
  await expectAccessible(page);

  await note.getByTestId('mark-read').click();
  await expect(note).not.toHaveClass(/\bunread\b/);
  await expect(note.getByTestId('unread')).toBeHidden();
  await expect(note.getByTestId('mark-read')).toBeHidden();
  await expect(page.getByTestId('inbox-unread')).toHaveText('没有未读消息');
  // The server keeps it read.
  await page.reload();
  await expect(page.getByTestId('notification')).not.toHaveClass(/\bunread\b/);
  await expect(page.getByTestId('notification').getByTestId('unread')).toBeHidden();
  const unread = await (await page.request.get(`${server.url}/api/v1/notifications/unread`)).json();
  expect(unread.unread).toBe(0);
});

test('a released finding reaches the unit’s inbox, without the reporter, and links to it', async ({ page, server }) => {
  // monitor07 reports an open visit to 区建设局 with one finding.
  const phone = await request.newContext({ baseURL: server.url });
  const login = await phone.post('/api/v1/auth/login', { data: { username: 'monitor07', password: 'chafang-demo' } });
  expect(login.ok()).toBe(true);
  const monitorName: string = (await login.json()).display_name;
  const units: Unit[] = await (await phone.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  const now = Date.now();
  const visit = {
    id: uuidv7(),
    device_id: uuidv7(),
    device_seq: 1,
    supersedes: null,
    unit_id: unit.id,
    mode: 'open',
    methods: ['consult_recipients'],
    started_at_device_ms: now - 30 * 60_000,
    ended_at_device_ms: now - 5 * 60_000,
    position: { kind: 'fix', lat: unit.position!.lat, lon: unit.position!.lon, accuracy_m: 15, at_device_ms: now - 20 * 60_000 },
    notes: '',
    no_problem_found: false,
    findings: [
      { id: uuidv7(), criterion: 'efficiency', description: '窗口只开一个，排队四十分钟', severity: 'serious', suggestion: '', photos: [] },
    ],
  };
  const sent = await phone.post('/api/v1/visits', { data: visit });
  expect(sent.ok(), await sent.text()).toBe(true);
  await phone.dispose();

  // The office releases it (the API route, signed in in the browser).
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  const rows = await (await page.request.get(`${server.url}/api/v1/office/findings?state=submitted`)).json();
  expect(rows).toHaveLength(1);
  const released = await page.request.post(`${server.url}/api/v1/office/releases`, { data: { cases: [rows[0].id] } });
  expect(released.ok(), await released.text()).toBe(true);

  await page.context().clearCookies();
  await signIn(page, server.url, 'unit01');
  await expect(page.getByTestId('home-unit')).toBeVisible();
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '消息' }).click();
  await expect(page).toHaveURL(`${server.url}/unit/inbox`);
  const note = page.getByTestId('notification');
  await expect(note).toHaveCount(1);
  await expect(note).toHaveAttribute('data-kind', 'new_finding');
  await expect(note).toHaveClass(/\bunread\b/);
  await expect(note.getByTestId('unread')).toBeVisible();
  await expect(note).toContainText('新问题待签收');
  await expect(note).toContainText('区建设局 · 办事高效');
  await expect(note).toContainText('期限');
  await expect(page.locator('body')).not.toContainText(monitorName);
  await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
  await keepScreenshot(page, 'inbox-unit');
  await expectAccessible(page);

  // Following it opens the finding and marks it read.
  await note.getByRole('link', { name: '新问题待签收' }).click();
  await expect(page).toHaveURL(`${server.url}/unit/findings/${rows[0].id}`);
  await expect(page.getByTestId('unit-case')).toBeVisible();
  await expect.poll(async () => (await (await page.request.get(`${server.url}/api/v1/notifications/unread`)).json()).unread).toBe(0);
  await page.goBack();
  await expect(page.getByTestId('notification')).not.toHaveClass(/\bunread\b/);
});
