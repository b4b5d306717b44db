// Approves a raised hand from a studio's Requests list and waits until the space server has moved them (their row
// leaves the list). Two approvals in a row each wait for their own outcome, so the second click never lands while
// the list is still changing from the first; and when the row does not leave, the error says what the studio showed
// (a server error, a quiet hint such as "the stage is full", the rows still waiting) instead of only a timeout.
import type { Page } from 'playwright-core';

export async function approveHand(page: Page, name: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  const row = page.getByTestId('hand-row').filter({ hasText: name });
  await row.locator('[data-action=approve]').click({ timeout: timeoutMs });
  try {
    await row.waitFor({ state: 'detached', timeout: Math.max(1000, timeoutMs - (Date.now() - started)) });
  } catch (error) {
    const seen = await page
      .evaluate(() => {
        const text = (id: string) => Array.from(document.querySelectorAll(`[data-testid="${id}"]`)).map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
        return { error: text('studio-error'), hint: text('quiet-hint'), requests: text('hand-row'), banner: text('connection-banner') };
      })
      .catch((e: unknown) => ({ unreadable: String(e) }));
    throw new Error(`${name} was approved but stayed in Requests for ${Date.now() - started} ms; the studio showed ${JSON.stringify(seen)}`, { cause: error });
  }
}
