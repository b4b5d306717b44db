// Waits for the studio's "On air" (its audio reaches the audio server). When it does not come, the error says what the
// studio showed instead — the mute button's reason, the connection banner, an error, the microphone — so a failure
// under load names the stage that stalled rather than only the timeout.
import type { Page } from 'playwright-core';

export async function waitOnAir(page: Page, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  try {
    await page.getByTestId('on-air').waitFor({ timeout: timeoutMs });
  } catch (error) {
    const seen = await page
      .evaluate(() => {
        const text = (id: string) => Array.from(document.querySelectorAll(`[data-testid="${id}"]`)).map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
        return {
          live: text('live-pill'),
          muteReason: text('mute-reason'),
          banner: text('connection-banner'),
          error: text('studio-error'),
          mic: text('mic-status'),
          muted: text('muted-pill'),
        };
      })
      .catch((e: unknown) => ({ unreadable: String(e) }));
    throw new Error(`"On air" did not show in ${Date.now() - started} ms; the studio showed ${JSON.stringify(seen)}`, { cause: error });
  }
}
