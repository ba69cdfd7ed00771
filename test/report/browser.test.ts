// report.html in headless Chromium: renders without errors, works offline, filters and the trace
// viewer respond. Skips loudly when Chromium is not installed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generateReport } from '../../src/report/index.js';
import { repoRoot } from '../helpers/paths.js';
import { requireSystemDep } from '../helpers/system-deps.js';
import { stubAnalyzer } from '../metrics/fixtures.js';
import { AGENTS, TASKS, writeSyntheticRun } from './synthetic-run.js';

const CHROMIUM = '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'alr-browser-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

it('report.html works in a browser with no network', async (t) => {
  if (!requireSystemDep(t, 'chromium', existsSync(CHROMIUM))) return;
  const out = join(tmp, 'report');
  await generateReport([writeSyntheticRun(tmp)], out, { analyzer: stubAnalyzer, png: false });

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const network: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      network.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);

    assert.ok(await page.locator('#main-table').isVisible());
    assert.equal(await page.locator('#main-table tbody tr').count(), AGENTS.length);
    assert.equal(await page.locator('#behavior-table tbody tr').count(), AGENTS.length);
    assert.equal(await page.locator('#figures svg').count(), 2);
    const box = await page.locator('#figures svg').first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, 'figure has a size');
    assert.ok((await page.locator('#comparisons-table tbody tr').count()) > 0);

    // Every episode is listed; filters narrow the list.
    assert.equal(await page.locator('#episode-rows tr').count(), AGENTS.length * TASKS.length);
    await page.selectOption('#f-nameerror', 'true');
    assert.equal(
      await page.locator('#episode-rows tr').count(),
      TASKS.length,
      'only the persistent → stateless episodes',
    );
    await page.selectOption('#f-nameerror', '');
    const firstCondition = await page.locator('#f-condition option').nth(1).getAttribute('value');
    await page.selectOption('#f-condition', firstCondition as string);
    assert.equal(await page.locator('#episode-rows tr').count(), TASKS.length);
    await page.selectOption('#f-solved', 'true');
    const solvedRows = await page.locator('#episode-rows tr').count();
    assert.ok(solvedRows > 0 && solvedRows < TASKS.length);
    await page.selectOption('#f-solved', '');
    await page.selectOption('#f-condition', '');

    // The trace viewer: open an episode, expand a turn, see highlighted code, jump to the same task.
    await page.selectOption('#f-nameerror', 'true');
    await page.locator('#episode-rows tr').first().click();
    assert.equal((await page.locator('#viewer details.turn').count()) > 0, true);
    assert.equal(await page.locator('#viewer .turn-body pre').count(), 0, 'turn bodies render lazily');
    await page.locator('#viewer details.turn').nth(1).locator('summary').click();
    await page.locator('#viewer .turn-body pre.code').first().waitFor();
    assert.ok(
      await page
        .locator('#viewer .turn-body pre.code .tool, #viewer .turn-body pre.code span')
        .first()
        .isVisible(),
    );
    assert.match((await page.locator('#viewer .turn-body').nth(1).textContent()) ?? '', /NameError/);
    const task = await page.locator('#viewer h3').textContent();
    const jumps = page.locator('#viewer a[data-goto]');
    assert.equal(await jumps.count(), AGENTS.length - 1);
    await jumps.first().click();
    assert.equal(await page.locator('#viewer h3').textContent(), task, 'same task in another condition');
    assert.match(page.url(), /#ep-\d+$/);
    // Text from the traces is shown as text, never as markup.
    await page.selectOption('#f-nameerror', '');
    await page.selectOption(
      '#f-condition',
      (await page.locator('#f-condition option').nth(4).getAttribute('value')) as string,
    );
    await page.locator('#episode-rows tr').first().click();
    await page.locator('#viewer details.turn').first().locator('summary').click();
    await page.locator('#viewer .turn-body pre').first().waitFor();
    assert.match(
      (await page.locator('#viewer .turn-body').first().textContent()) ?? '',
      /<re-declaring> what I learned & keeping/,
    );

    mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'report.png'), fullPage: false });
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
  } finally {
    await browser.close();
  }
});
