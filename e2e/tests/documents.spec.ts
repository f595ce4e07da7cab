// Official documents: a monitor's finding (sent through the API as the phone would) is released
// by the office; on /office/documents, opened from the finding with ?finding=<id>, the office
// issues a 整改通知书 with a deadline and downloads it — a real PDF of some size — then finds
// the finding again by searching its unit and issues a 交办单; both are listed with their
// numbers; a reminder with nothing overdue and a bulletin before the year's ranking is published
// are refused with the server's reason. The page at phone size, accessible, kept as a screenshot.
import { request } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';
import { Unit, report } from './visit-helpers';

test('the office issues a rectification notice for a finding and downloads its PDF', async ({ page, server }) => {
  // monitor05 reports a finding about 区建设局; the office releases it.
  const api = await request.newContext({ baseURL: server.url });
  expect((await api.post('/api/v1/auth/login', { data: { username: 'monitor05', password: 'chafang-demo' } })).ok()).toBe(true);
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  const unit = units.find((u) => u.name === '区建设局')!;
  const now = Date.now();
  await report(api, unit, '办事指南未在窗口公示');
  expect((await api.post('/api/v1/auth/logout')).ok()).toBe(true);
  expect((await api.post('/api/v1/auth/login', { data: { username: 'office', password: 'chafang-demo' } })).ok()).toBe(true);
  const inbox: { id: string; text: string }[] = await (await api.get('/api/v1/office/findings?state=submitted')).json();
  const caseId = inbox.find((c) => c.text === '办事指南未在窗口公示')!.id;
  const released = await api.post('/api/v1/office/releases', { data: { cases: [caseId], release_covert: false } });
  expect(released.ok(), await released.text()).toBe(true);
  await api.dispose();

  // From the finding's link: the finding is chosen already.
  await signIn(page, server.url, 'office');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  await page.goto(`${server.url}/office/findings/${caseId}`);
  await page.getByTestId('case-documents').click();
  await expect(page).toHaveURL(new RegExp(`/office/documents\\?finding=${caseId}$`));
  await expect(page.getByTestId('no-documents')).toBeVisible();
  await expect(page.getByTestId('chosen-finding')).toContainText('办事指南未在窗口公示');
  await page.getByTestId('kind-rectification_notice').check();
  const deadline = new Date(now + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId('document-deadline').fill(deadline);
  await keepScreenshot(page, 'office-documents-form');
  await page.getByTestId('issue-button').click();
  const issued = page.getByTestId('document-issued');
  await expect(issued).toContainText(/已签发 行评办〔\d{4}〕1号/);
  const row = page.getByTestId('document').first();
  await expect(row).toHaveAttribute('data-kind', 'rectification_notice');
  await expect(row).toContainText('区建设局 · 政风行风问题整改通知书');
  await expect(row).toContainText(`期限 ${deadline}`);

  // The download: a PDF of some size.
  const [download] = await Promise.all([page.waitForEvent('download'), issued.getByTestId('download-issued').click()]);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(5_000);
  expect(download.suggestedFilename()).toMatch(/^rectification_notice-\d{4}-1\.pdf$/);

  // Another finding by search: the unit's name finds it; a 交办单 takes the next number.
  await page.getByTestId('change-finding').click();
  await page.getByTestId('finding-search').fill('建设局 窗口');
  await page.getByTestId('pick-finding').first().click();
  await page.getByTestId('kind-assignment').check();
  await page.getByTestId('issue-button').click();
  await expect(issued).toContainText(/已签发 行评办〔\d{4}〕2号/);
  await expect(page.getByTestId('document')).toHaveCount(2);
  await expect(page.getByTestId('document-number').first()).toHaveText(/行评办〔\d{4}〕2号/);

  // A reminder letter for a finding that is not overdue is not offered, and the page says why
  // and where to press the unit instead.
  await expect(page.getByTestId('kind-reminder')).toBeDisabled();
  await expect(page.getByTestId('reminder-not-offered')).toContainText('所选问题没有逾期事项，不能发督办函');
  await expect(page.getByTestId('reminder-not-offered').locator('a')).toHaveAttribute('href', /\/office\/findings\//);

  // The year's bulletin needs no finding, but a published ranking: none yet.
  await page.getByTestId('kind-bulletin').check();
  await expect(page.getByTestId('chosen-finding')).toBeHidden();
  await expect(page.getByTestId('document-year')).toHaveValue(/^\d{4}$/);
  await page.getByTestId('issue-button').click();
  await expect(page.getByTestId('request-error')).toContainText('年度测评结果尚未发布');
  // The reason alone: not the class of the error ("数据冲突，请刷新后重试"), which misleads here.
  await expect(page.getByTestId('request-error')).not.toContainText('数据冲突');
  await expect(page.getByTestId('document')).toHaveCount(2);

  await page.getByTestId('document-list').scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'office-documents');
  await expectAccessible(page);
});
