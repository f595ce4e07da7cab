// Merging units (issue 5, 机构改革): the office merges 区科技局 into 区建设局 from the directory
// page, after a confirmation. The merged unit stays in the tree, marked, and is listed under
// the merges made; it is no longer offered as a unit to merge. (What the surviving unit's head
// then sees is `server/tests/merge.rs`.) At phone size, with a screenshot.
import { test, expect } from './server';
import { signIn, keepScreenshot, expectAccessible } from './helpers';

test('the office merges a unit into another and the merged unit stays, marked', async ({ page, server }) => {
  await signIn(page, server.url, 'office');
  await expect(page.getByTestId('home-office')).toBeVisible();
  await page.getByTestId('link-office-units').click();
  const card = page.getByTestId('unit-merge');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('merge-row')).toHaveCount(0);
  const submit = card.getByTestId('merge-submit');
  await expect(submit).toBeDisabled();
  await card.locator('#merge-from').selectOption({ label: '区科技局' });
  await card.locator('#merge-into').selectOption({ label: '区建设局' });
  await expect(submit).toBeDisabled(); // no reason yet
  await card.locator('#merge-reason').fill('区政府机构改革方案');
  page.once('dialog', (d) => d.accept());
  await submit.click();
  await expect(card.getByRole('status')).toBeVisible();
  await expect(card.getByTestId('merge-row')).toHaveText(['区科技局 → 区建设局']);
  await expect(
    page.locator('[data-testid=unit-node][data-name=区科技局] [data-testid=merged]').first(),
  ).toBeVisible();
  // The pickers start again from nothing chosen, as the form does.
  await expect(card.locator('#merge-from')).toHaveValue('');
  await expect(card.locator('#merge-into')).toHaveValue('');
  await expect(submit).toBeDisabled();
  // A merged unit is offered neither as the unit taken over nor as the one taking over.
  await expect(card.locator('#merge-from option', { hasText: '区科技局' })).toHaveCount(0);
  await expect(card.locator('#merge-into option', { hasText: '区科技局' })).toHaveCount(0);
  await card.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'office-units-merged');
  await expectAccessible(page);
});
