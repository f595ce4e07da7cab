// The year's working calendar (issue 21), end to end on a server whose clock says Tuesday
// 29 September 2026 (CHAFANG_CLOCK), so the test holds whatever day it runs on. The office
// enters National Day from the notice — 1 to 7 October off, Sunday 27 September and Saturday
// 10 October worked — and sees it on the month calendar. An open and a covert finding are
// released that day: the unit's deadline to acknowledge (5 working days) is Monday
// 12 October, past the holiday and counting the 调休 Saturday (Monday to Friday would say
// 6 October; holidays without the 调休 day, 13 October). The unit's pages of the open and the
// covert finding, at phone size, are kept side by side: both dated by the half-month alone.
import { Page, request } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, Server } from './server';
import { ARTIFACTS, expectAccessible, keepScreenshot, signIn, uuidv7 } from './helpers';
import { Unit } from './visit-helpers';

const CLOCK = '2026-09-29T10:00:00+08:00';

const test = base.extend<{ clocked: Server }>({
  clocked: async ({}, use) => {
    const server = new Server({ CHAFANG_CLOCK: CLOCK });
    await server.start();
    await use(server);
    await server.dispose();
  },
});

/** Milliseconds of a time in China Standard Time. */
function cst(day: string, time: string): number {
  return Date.parse(`${day}T${time}+08:00`);
}

/** Signs out (the cookie goes) and signs `username` in, waiting for their home page. */
async function switchUser(page: Page, base: string, username: string) {
  await page.context().clearCookies();
  await signIn(page, base, username);
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
}

test('the office enters National Day and the deadline skips it and counts the 调休 Saturday', async ({ page, clocked: server }) => {
  test.slow();
  const origin = { Origin: server.url };

  // The office enters the notice's lines on the calendar page.
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.goto(`${server.url}/office/calendar/2026`);
  await expect(page.getByTestId('office-calendar')).toBeVisible();
  await expect(page.getByTestId('calendar-none')).toBeVisible();
  const notice = [
    '# 国庆节、中秋节：10月1日至7日放假调休，共7天。9月27日（周日）、10月10日（周六）上班。',
    '2026-09-27 班',
    ...[1, 2, 3, 4, 5, 6, 7].map((d) => `2026-10-0${d} 休`),
    '2026-10-10 班',
  ].join('\n');
  // A wrong line first: refused with its number, in Chinese.
  await page.getByTestId('calendar-text').fill('2026-10-01 休\n2026-10-09 班');
  await page.getByTestId('save-calendar').click();
  await expect(page.getByTestId('calendar-error')).toContainText('第 2 行');
  await page.getByTestId('calendar-text').fill(notice);
  await page.getByTestId('save-calendar').click();
  await expect(page.getByTestId('calendar-saved')).toContainText('已保存（第 1 版）');
  await expect(page.getByTestId('calendar-revision')).toContainText('第 1 版');
  const october = page.locator('[data-testid=calendar-month][data-month="10"]');
  await expect(october.locator('[data-day="2026-10-01"]')).toHaveAttribute('data-kind', 'holiday');
  await expect(october.locator('[data-day="2026-10-01"]')).toContainText('休');
  await expect(october.locator('[data-day="2026-10-10"]')).toHaveAttribute('data-kind', 'workday');
  await expect(october.locator('[data-day="2026-10-10"]')).toContainText('班');
  await october.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'calendar-office');
  await expectAccessible(page);

  // A monitor's open visit on Monday 28 September and covert one on Thursday 24 September,
  // sent as the phone sends them.
  const phone = await request.newContext({ baseURL: server.url, extraHTTPHeaders: origin });
  expect((await phone.post('/api/v1/auth/login', { data: { username: 'monitor05', password: 'chafang-demo' } })).ok()).toBe(true);
  const units: Unit[] = await (await phone.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  const words = { open: '窗口只开一个，群众排队超过四十分钟', covert: '办事指南未公示收费标准' };
  const days = { open: '2026-09-28', covert: '2026-09-24' };
  for (const mode of ['open', 'covert'] as const) {
    const start = cst(days[mode], '10:12:00');
    const sent = await phone.post('/api/v1/visits', {
      data: {
        id: uuidv7(),
        device_id: uuidv7(),
        device_seq: 1,
        supersedes: null,
        unit_id: unit.id,
        mode,
        methods: ['accompany_procedure'],
        started_at_device_ms: start,
        ended_at_device_ms: start + 20 * 60_000,
        position: { kind: 'missing', reason: 'denied' },
        notes: '',
        no_problem_found: false,
        findings: [{ id: uuidv7(), criterion: 'efficiency', description: words[mode], severity: 'serious', suggestion: '', photos: [] }],
      },
    });
    expect(sent.ok(), await sent.text()).toBe(true);
  }
  await phone.dispose();

  // The office releases both that Tuesday (the covert one deliberately).
  const desk = await request.newContext({ baseURL: server.url, extraHTTPHeaders: origin });
  expect((await desk.post('/api/v1/auth/login', { data: { username: 'office', password: 'chafang-demo' } })).ok()).toBe(true);
  const rows: { id: string; covert: boolean; text: string; state: string }[] = await (await desk.get('/api/v1/office/findings')).json();
  const ids = {
    open: rows.find((r) => r.text === words.open)!.id,
    covert: rows.find((r) => r.text === words.covert)!.id,
  };
  const released = await desk.post('/api/v1/office/releases', {
    data: { cases: [ids.open, ids.covert], release_covert: true },
  });
  expect(released.ok(), await released.text()).toBe(true);
  await desk.dispose();

  // The unit head reads both at phone size: the same deadline, past the holiday and counting
  // the 调休 Saturday, and the same half-month for when they were seen.
  await page.setViewportSize({ width: 390, height: 844 });
  await switchUser(page, server.url, 'unit01');
  const shots: Record<string, Buffer> = {};
  for (const mode of ['open', 'covert'] as const) {
    await page.goto(`${server.url}/unit/findings/${ids[mode]}`);
    const summary = page.getByTestId('case-summary');
    await expect(summary).toContainText(words[mode]);
    await expect(summary).toContainText('签收期限 2026-10-12');
    await expect(summary.getByTestId('seen-in')).toHaveText('查访时间 2026年9月下半月');
    await expect(summary).not.toContainText(days[mode]);
    await expect(page.locator('[aria-busy=true]')).toHaveCount(0);
    await keepScreenshot(page, `calendar-unit-${mode}`);
    await expectAccessible(page);
    shots[mode] = readFileSync(join(ARTIFACTS, `calendar-unit-${mode}.png`));
  }

  // Side by side, as the closing note shows them.
  const pair = await page.context().newPage();
  await pair.setViewportSize({ width: 800, height: 870 });
  const img = (b: Buffer, label: string) =>
    `<figure style="margin:0"><figcaption style="height:22px;line-height:22px">${label}</figcaption><img src="data:image/png;base64,${b.toString('base64')}" width="390" height="844"></figure>`;
  await pair.setContent(
    `<html lang="zh-CN"><body style="margin:0;display:flex;gap:20px;font:14px sans-serif;background:#fff">
      ${img(shots.open, '明查问题（单位所见）')}${img(shots.covert, '暗访问题（单位所见）')}</body></html>`,
  );
  await pair.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
  await pair.screenshot({ path: join(ARTIFACTS, 'calendar-unit-open-vs-covert.png') });
  await pair.close();
});
