// The public's complaints, end to end at phone size: from the sign-in page's link, a citizen
// (no account) picks 区建设局, describes what happened, adds a photo, and submits once the page's
// proof of work is done; the receipt shows the code to keep. The office sees the complaint with
// its contact and releases it from the finding page like any finding; the citizen then looks
// the code up and sees the steps — never the office's or the unit's words.
import { test, expect } from './server';
import { signIn, switchUser, keepScreenshot, expectAccessible } from './helpers';
import { photoJpeg } from './visit-helpers';

test('a citizen files a complaint with a photo, keeps the receipt and follows it once released', async ({ page, server }, testInfo) => {
  test.slow();
  await page.goto(`${server.url}/login`);
  const photo = await photoJpeg(page, testInfo.outputPath('complaint.jpg'), 30);

  // From the sign-in page to the public page: a full load of the citizen bundle.
  await page.getByTestId('link-complaint').click();
  await expect(page.getByTestId('complaint')).toBeVisible();
  await expect(page.locator('h1')).toHaveText('投诉举报');
  expect(new URL(page.url()).pathname).toBe('/complaint');
  // English on request, Chinese again.
  await page.getByTestId('lang').click();
  await expect(page.locator('h1')).toHaveText('File a complaint');
  await expect(page.getByTestId('complaint-submit')).toHaveText('Submit');
  await page.getByTestId('lang').click();
  await expect(page.locator('h1')).toHaveText('投诉举报');

  await page.getByTestId('unit-search').fill('建设');
  await page.getByRole('button', { name: '区建设局' }).click();
  await expect(page.getByTestId('unit-chosen')).toContainText('区建设局');
  await page.getByTestId('complaint-text').fill('在3号窗口办理施工许可，工作人员让我来回跑了三趟，每次只说一样材料。');
  await page.getByTestId('complaint-window').fill('3号窗口');
  await page.getByTestId('complaint-contact').fill('13912345678');
  await page.getByTestId('complaint-photos').setInputFiles(photo);
  await expect(page.getByTestId('proof')).toHaveText('安全校验已完成');
  await expectAccessible(page);
  await keepScreenshot(page, 'complaint');

  await page.getByTestId('complaint-submit').click();
  await expect(page.getByTestId('complaint-receipt')).toBeVisible();
  const code = (await page.getByTestId('receipt-code').innerText()).trim();
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  await expect(page.getByTestId('photos-sent')).toContainText('1');
  await expectAccessible(page);
  await keepScreenshot(page, 'complaint-receipt');

  // Progress before release: received, under review.
  await page.getByTestId('progress-link').click();
  await expect(page.getByTestId('progress-steps').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('progress-steps')).toContainText('已受理');
  await expect(page.getByTestId('progress-steps')).toContainText('审核中');

  // The office reads it with the contact and releases it from the finding's page.
  await signIn(page, server.url, 'office');
  await expect(page.locator('main[data-testid^=home-]')).toBeVisible();
  await page.getByTestId('link-office-complaints').click();
  const row = page.getByTestId('complaint-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('complaint-contact')).toHaveText('13912345678');
  await expect(row).toContainText('来源：群众投诉');
  await expect(row.locator('img')).toHaveCount(1);
  await row.getByTestId('complaint-open').click();
  // The finding's page says what the complainant filed, and holds the photo to send on.
  const filed = page.getByTestId('case-complaint');
  await expect(filed).toContainText('群众投诉原件');
  await expect(filed.getByTestId('complaint-text')).toContainText('来回跑了三趟');
  await expect(filed.getByTestId('complaint-window')).toContainText('3号窗口');
  await expect(filed.getByTestId('complaint-contact')).toContainText('13912345678');
  await expect(filed).toContainText(code);
  await expect(page.locator('.thumbs img')).toHaveCount(1);
  await expect(page.getByTestId('case-source')).toHaveText('来源：群众投诉');
  await expect(page.getByTestId('case-summary')).toContainText('群众投诉（待归类）');
  await keepScreenshot(page, 'complaint-office-case');
  // Released only once filed under one of the year's criteria: refused in words first.
  await page.getByTestId('step-release').click();
  await page.getByTestId('release-button').click();
  await expect(page.getByTestId('release').getByTestId('step-error')).toContainText('须先选定问题类别');
  await page.reload();
  await page.getByTestId('case-criterion').selectOption({ index: 1 });
  const chosen = (await page.getByTestId('case-criterion').locator('option:checked').innerText()).trim();
  await page.getByTestId('save-edit').click();
  await expect(page.getByTestId('saved')).toBeVisible();
  await expect(page.getByTestId('case-summary')).toContainText(chosen);
  await page.getByTestId('step-release').click();
  await page.getByTestId('release-button').click();
  await expect(page.getByTestId('case-summary').getByTestId('case-state')).toHaveText('待签收');
  // Verifying it against a person starts from the window the complainant saw.
  await expect(page.getByTestId('verify-seen')).toContainText('3号窗口');
  await expect(page.getByTestId('verify-post')).toHaveValue('3号窗口');
  const caseUrl = new URL(page.url()).pathname;

  // The unit reads the finding with the complainant's photo, and nothing of who filed it.
  await switchUser(page, server.url, 'unit01');
  await page.goto(`${server.url}${caseUrl.replace('/office/', '/unit/')}`);
  await expect(page.getByTestId('unit-text')).toBeVisible();
  await expect(page.locator('main')).toContainText(chosen);
  await expect(page.locator('main')).not.toContainText('complaint');
  await expect(page.locator('main')).not.toContainText('投诉');
  const unitPhoto = page.locator('.thumbs img');
  await expect(unitPhoto).toHaveCount(1);
  await expect.poll(() => unitPhoto.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.locator('main')).not.toContainText('13912345678');
  await expect(page.locator('main')).not.toContainText(code);
  await keepScreenshot(page, 'complaint-unit-case');

  // The citizen, signed in as nobody, sees it sent to the unit.
  await page.context().clearCookies();
  await page.goto(`${server.url}/complaint/progress`);
  await page.getByTestId('progress-code').fill(code.toLowerCase());
  await page.getByRole('button', { name: '查询' }).click();
  const steps = page.getByTestId('progress-steps');
  await expect(steps).toContainText('已转交单位办理');
  await expect(steps.locator('li')).toHaveCount(3);
  await expect(page.getByTestId('complaint-progress')).not.toContainText('13912345678');
  await expectAccessible(page);
  await keepScreenshot(page, 'complaint-progress');
});
