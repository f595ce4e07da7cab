// The repeat-offence ladder: a monitor's two findings about 区建设局 (one noting the window and
// staff number it saw) are released; on each finding's page the office verifies it against the
// same person — new the first time, picked from the recorded people the second — and on
// /office/ladder the count of two calls for a notice of criticism, which the office records
// with its 问责通知. The unit head reads the same on /unit/ladder with the notice to download.
// Both pages at phone size, accessible, kept as screenshots.
import { request } from '@playwright/test';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';

test('verified findings climb the ladder and the office records the step with its notice', async ({ page, server }) => {
  const api = await request.newContext({ baseURL: server.url });
  expect((await api.post('/api/v1/auth/login', { data: { username: 'monitor05', password: 'chafang-demo' } })).ok()).toBe(true);
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  const now = Date.now();
  const texts = ['窗口工作人员态度生硬', '窗口工作人员推诿办事群众'];
  for (const [i, description] of texts.entries()) {
    const sent = await api.post('/api/v1/visits', {
      data: {
        id: uuidv7(), device_id: uuidv7(), device_seq: 1, supersedes: null, unit_id: unit.id,
        mode: 'open', methods: ['questionnaire'],
        started_at_device_ms: now - (30 - i) * 60_000, ended_at_device_ms: now - (20 - i) * 60_000,
        position: { kind: 'missing', reason: 'denied' }, notes: '', no_problem_found: false,
        findings: [{ id: uuidv7(), criterion: 'efficiency', description, severity: 'minor', suggestion: '',
          photos: [], ...(i === 0 ? { responsible: '3号窗口 工号1024' } : {}) }],
      },
    });
    expect(sent.ok(), await sent.text()).toBe(true);
  }
  expect((await api.post('/api/v1/auth/logout')).ok()).toBe(true);
  expect((await api.post('/api/v1/auth/login', { data: { username: 'office', password: 'chafang-demo' } })).ok()).toBe(true);
  const inbox: { id: string; text: string }[] = await (await api.get('/api/v1/office/findings?state=submitted')).json();
  const ids = texts.map((t) => inbox.find((c) => c.text === t)!.id);
  const released = await api.post('/api/v1/office/releases', { data: { cases: ids, release_covert: false } });
  expect(released.ok(), await released.text()).toBe(true);
  await api.dispose();

  await signIn(page, server.url, 'office');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  // The first: the office reads what the monitor noted and records a new person.
  await page.goto(`${server.url}/office/findings/${ids[0]}`);
  await expect(page.getByTestId('responsible-seen')).toContainText('3号窗口 工号1024');
  const card = page.getByTestId('verify-card');
  await expect(card).toContainText('尚未认定责任人');
  await card.getByTestId('verify-name').fill('张三');
  await card.getByTestId('verify-staff-no').fill('1024');
  await card.getByTestId('verify-post').fill('3号窗口');
  await card.getByTestId('verify-submit').click();
  await expect(card.getByTestId('verification')).toContainText('张三（3号窗口 · 1024）');
  // The second: the same person, picked from those recorded.
  await page.goto(`${server.url}/office/findings/${ids[1]}`);
  await page.getByTestId('verify-person').selectOption({ label: '张三（3号窗口 · 1024）· 区建设局' });
  await page.getByTestId('verify-submit').click();
  await expect(page.getByTestId('verification')).toContainText('张三');

  // The ladder: two verified call for a notice of criticism, recorded with its notice.
  await page.goto(`${server.url}/office/ladder`);
  const person = page.getByTestId('ladder-person').filter({ hasText: '张三' });
  await expect(person).toContainText('查实 2 次');
  await expect(person.getByTestId('ladder-status')).toHaveText('应予通报批评 · 待处理');
  await person.getByTestId('ladder-take').click();
  await expect(person.getByTestId('ladder-status')).toHaveText('应予通报批评 · 已处理');
  await expect(person.getByTestId('ladder-notice')).toContainText(/问责通知 行评办〔\d{4}〕\d+号/);
  await expect(person.getByTestId('ladder-take')).toHaveCount(0);
  await expectAccessible(page);
  await keepScreenshot(page, 'ladder');

  // The unit head reads its staff's ladder and downloads the notice.
  await page.context().clearCookies();
  await signIn(page, server.url, 'unit01');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  await page.getByTestId('link-unit-ladder').click();
  const mine = page.getByTestId('ladder-person').filter({ hasText: '张三' });
  await expect(mine).toContainText('查实 2 次');
  await expect(mine.getByTestId('ladder-take')).toHaveCount(0);
  const href = await mine.getByTestId('ladder-notice').getAttribute('href');
  expect(href).toMatch(/^\/api\/v1\/unit\/documents\/[0-9a-f-]+\/pdf$/);
  const pdf = await page.request.get(`${server.url}${href}`);
  expect(pdf.ok()).toBe(true);
  expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  await expectAccessible(page);
  await keepScreenshot(page, 'unit-ladder');
});
