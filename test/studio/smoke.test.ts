import { expect, test } from 'vitest';
import { openStudioPage, StudioProcess, useBrowser } from '../support/studio.js';

const browser = useBrowser();

test('the page shows a node for every block of the script', async () => {
  const studio = await StudioProcess.start('scripts/order-status.yaml');
  const page = await openStudioPage(browser(), studio);
  for (const id of [
    'lookup',
    'has-order',
    'show',
    'ask-email',
    'thanks',
    'unknown-client',
    'crm-down',
    'done',
  ]) {
    await expect.poll(() => page.getByRole('button', { name: new RegExp(`^${id}\\b`) }).count()).toBe(1);
  }
});
