// The unit's documents: unit01 (区建设局) first sees that it has received none; then the office
// issues a 整改通知书 for a finding about 区建设局 (and a 交办单 for another unit's finding, which
// unit01 must not see). unit01 opens /unit, follows the link to its documents, sees the notice
// with its number, kind, title, date and deadline, and downloads it: a PDF whose SHA-256 is the
// office's copy's — the bytes as issued. At phone size, accessible, kept as a screenshot.
import { APIRequestContext, request } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';
import { Unit, report } from './visit-helpers';

async function login(api: APIRequestContext, username: string) {
  expect((await api.post('/api/v1/auth/login', { data: { username, password: 'chafang-demo' } })).ok()).toBe(true);
}

test('a unit lists the documents issued to it and downloads them as issued', async ({ page, server }) => {
  await page.setViewportSize({ width: 390, height: 844 });

  // Nothing yet.
  await signIn(page, server.url, 'unit01');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  await page.getByTestId('link-unit-documents').click();
  await expect(page).toHaveURL(/\/unit\/documents$/);
  await expect(page.getByTestId('no-documents')).toBeVisible();

  // monitor05 reports a finding about 区建设局 and one about 区科技局; the office releases both
  // and issues a notice for the first, an assignment for the second.
  const api = await request.newContext({ baseURL: server.url });
  await login(api, 'monitor05');
  const units: Unit[] = await (await api.get('/api/v1/units')).json();
  const mine = units.find((u) => u.name === '区建设局')!;
  const theirs = units.find((u) => u.name === '区科技局')!;
  await report(api, mine, '窗口工作人员上班时间玩手机');
  await report(api, theirs, '咨询电话长时间无人接听');
  expect((await api.post('/api/v1/auth/logout')).ok()).toBe(true);
  await login(api, 'office');
  const inbox: { id: string; text: string }[] = await (await api.get('/api/v1/office/findings?state=submitted')).json();
  const caseOf = (text: string) => inbox.find((c) => c.text === text)!.id;
  const ours = caseOf('窗口工作人员上班时间玩手机');
  const other = caseOf('咨询电话长时间无人接听');
  const released = await api.post('/api/v1/office/releases', { data: { cases: [ours, other], release_covert: false } });
  expect(released.ok(), await released.text()).toBe(true);
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const made = await api.post('/api/v1/office/documents', {
    data: { kind: 'rectification_notice', case: ours, deadline },
  });
  expect(made.status(), await made.text()).toBe(201);
  const notice: { id: string; number: string; issued_on: string; download: string; sha256: string } = await made.json();
  const elsewhere = await api.post('/api/v1/office/documents', { data: { kind: 'assignment', case: other } });
  expect(elsewhere.status(), await elsewhere.text()).toBe(201);
  const otherNumber: string = (await elsewhere.json()).number;
  const officeCopy = await api.get(notice.download);
  expect(officeCopy.ok()).toBe(true);
  const officeSha = createHash('sha256').update(await officeCopy.body()).digest('hex');
  expect(officeSha).toBe(notice.sha256);
  await api.dispose();

  // unit01 from its home page: the notice, and not the other unit's assignment.
  await page.goto(`${server.url}/unit`);
  await page.getByTestId('link-unit-documents').click();
  await expect(page.getByTestId('unit-documents')).toBeVisible();
  const row = page.getByTestId('document');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-kind', 'rectification_notice');
  await expect(row.getByTestId('document-number')).toHaveText(notice.number);
  await expect(row.getByTestId('document-kind')).toHaveText('整改通知书');
  await expect(row.getByTestId('document-title')).toHaveText('政风行风问题整改通知书');
  await expect(row.getByTestId('document-date')).toHaveText(`签发日期 ${notice.issued_on}`);
  await expect(row.getByTestId('document-deadline')).toHaveText(`办理期限 ${deadline}`);
  await expect(row).toContainText('区建设局');
  await expect(page.getByTestId('unit-documents')).not.toContainText(otherNumber);
  await expect(page.getByTestId('unit-documents')).not.toContainText('monitor05');
  await keepScreenshot(page, 'unit-documents');
  await expectAccessible(page);

  // The download is the issued bytes.
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('download-document').click()]);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(officeSha);
  expect(download.suggestedFilename()).toMatch(/^rectification_notice-\d{4}-\d+\.pdf$/);

  // The finding it is about opens from the document.
  await row.getByTestId('document-finding').click();
  await expect(page).toHaveURL(new RegExp(`/unit/findings/${ours}$`));
});
