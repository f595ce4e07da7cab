// Report meetings (述职评议): the office schedules a meeting on /office/meetings and downloads
// the ballot slips (a real PDF whose codes are read back with pdftotext); a rater on a phone
// (390×844, no account) opens a slip's code, rates and casts once, and gets a thank-you with no
// way back to the ballot; the office's live count moves without a reload; five ballots later
// the office closes the meeting and reads the result. Screenshots ballot.png and
// meeting-live.png.
import { request } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { test, expect } from './server';
import { signIn, keepScreenshot } from './helpers';

const CODE = /[RM][2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/g;

test('the office issues slips, a rater casts a ballot on a phone, the count moves', async ({ page, browser, server }) => {
  const year = new Date().getFullYear() + 1;
  await signIn(page, server.url, 'office');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  await page.goto(`${server.url}/office/meetings`);
  await expect(page.getByTestId('office-meetings')).toBeVisible();
  await page.locator('#meeting-unit').selectOption({ label: '区建设局' });
  await page.locator('#meeting-day').fill(`${year}-06-15`);
  await page.locator('#meeting-place').fill('区政务服务中心三楼会议室');
  await page.getByTestId('meeting-schedule-submit').click();
  await expect(page).toHaveURL(/\/office\/meetings\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('meeting-count-recipient')).toContainText('0 / 0');

  // The slips: a PDF, each code once.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('meeting-download').click()]);
  const file = (await download.path())!;
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
  expect(text).toContain('述职评议满意度测评票');
  const codes = [...new Set(text.match(CODE) ?? [])];
  const recipients = codes.filter((c) => c.startsWith('R'));
  expect(recipients.length).toBe(30);
  expect(codes.filter((c) => c.startsWith('M')).length).toBe(4);
  await page.reload();
  await expect(page.getByTestId('meeting-count-recipient')).toContainText('0 / 30');

  // A rater's phone: no account, the slip's QR link.
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const phone = await phoneContext.newPage();
  await phone.goto(`${server.url}/ballot/${recipients[0]}`);
  await expect(phone.getByTestId('ballot-unit')).toHaveText('区建设局');
  await expect(phone.getByTestId('ballot-kind')).toHaveText('服务对象代表');
  await expect(phone.getByTestId('ballot-level')).toHaveCount(5);
  await phone.getByTestId('ballot-level').nth(1).click();
  await expect(phone.getByTestId('ballot-level').nth(1)).toHaveAttribute('aria-pressed', 'true');
  await phone.getByTestId('ballot-comment').fill('窗口指引清楚，办事快');
  const box = await phone.getByTestId('ballot-level').first().boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await keepScreenshot(phone, 'ballot');
  await phone.getByTestId('ballot-submit').click();
  await expect(phone.getByTestId('ballot-done')).toContainText('感谢您的评议');
  await expect(phone).toHaveURL(new RegExp(`${server.url}/ballot$`));
  // The used code opened again: refused in words.
  await phone.goto(`${server.url}/ballot/${recipients[0]}`);
  await expect(phone.getByTestId('ballot-error')).toContainText('已投过票');
  // A code typed by hand, in lower case with spaces.
  await phone.goto(`${server.url}/ballot`);
  await phone.locator('#ballot-code').fill(recipients[1].toLowerCase().replace(/-/g, ' '));
  await phone.getByTestId('ballot-open').click();
  await phone.getByTestId('ballot-level').first().click();
  await phone.getByTestId('ballot-submit').click();
  await expect(phone.getByTestId('ballot-done')).toBeVisible();
  await phoneContext.close();

  // The office's page polls: the count moved without a reload.
  await expect(page.getByTestId('meeting-count-recipient')).toContainText('2 / 30');
  await keepScreenshot(page, 'meeting-live');

  // Three more ballots, then closing shows the result (five recipients: shown).
  const api = await request.newContext({ baseURL: server.url });
  for (const code of recipients.slice(2, 5)) {
    const res = await api.post('/api/v1/ballot/cast', { data: { code, ballot: { level: 0 } } });
    expect(res.ok(), await res.text()).toBe(true);
  }
  await api.dispose();
  await expect(page.getByTestId('meeting-count-recipient')).toContainText('5 / 30');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('meeting-close').click();
  await expect(page.getByTestId('meeting-state')).toHaveText('已结束');
  await expect(page.getByTestId('meeting-result-recipient')).toContainText('非常满意: 4 (80.0%)');
  await expect(page.getByTestId('meeting-result-monitor')).toContainText('不足 5 票');
  await expect(page.getByTestId('meeting-results')).toContainText('窗口指引清楚，办事快');

  // The office weighs the year's meetings into satisfaction on the scoring page.
  await page.goto(`${server.url}/office/scoring`);
  await page.getByTestId('scoring-year').fill(String(year));
  await page.getByTestId('scoring-year').dispatchEvent('change');
  const weight = page.getByTestId('meeting-weight');
  await expect(weight).toContainText('述职评议计入满意度的比例');
  await expect(weight.getByTestId('meeting-weight-input')).toHaveValue('0');
  await weight.getByTestId('meeting-weight-input').fill('140');
  await weight.getByTestId('meeting-weight-save').click();
  await expect(weight).toContainText('请填写 0 到 100 之间的整数');
  await weight.getByTestId('meeting-weight-input').fill('40');
  await weight.getByTestId('meeting-weight-save').click();
  await expect(weight.getByTestId('meeting-weight-saved')).toBeVisible();
  await weight.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'meeting-weight');
  await page.reload();
  await page.getByTestId('scoring-year').fill(String(year));
  await page.getByTestId('scoring-year').dispatchEvent('change');
  await expect(page.getByTestId('meeting-weight-input')).toHaveValue('40');
});
