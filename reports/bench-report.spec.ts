// Opens a report generated from real bench results (committed fixtures from short real runs)
// in Chromium over file://, and checks that a person would see every chart.
import { expect, test, type ConsoleMessage } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchReportHtml, readReportInputs } from './bench.ts';

const FIXTURES = join(import.meta.dirname, 'bench-report', 'fixtures');
const OUT = join(process.cwd(), 'test-results');

test('bench report renders every chart with a legend and no console errors', async ({ page }) => {
  const inputs = await readReportInputs([join(FIXTURES, 'bench-algorithms.json'), join(FIXTURES, 'bench-targets.json'), join(FIXTURES, 'bench-modes.json'), join(FIXTURES, 'results-reference.json'), join(FIXTURES, 'results-haproxy.json')]);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'bench-report.html');
  writeFileSync(file, benchReportHtml(inputs));

  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => void (m.type() === 'error' && problems.push(m.text())));
  page.on('pageerror', (err) => problems.push(err.message));
  // Self-contained: any request other than the file itself is a failure.
  page.on('request', (r) => void (r.url().startsWith('file://') || problems.push(`network request: ${r.url()}`)));

  await page.goto(pathToFileURL(file).href);
  const canvases = page.locator('canvas');
  const count = await canvases.count();
  expect(count).toBeGreaterThanOrEqual(8);

  const charts = await page.evaluate(() => {
    const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { legend?: { legendItems?: unknown[] } } | undefined } }).Chart;
    return Array.from(document.querySelectorAll('canvas')).map((c) => {
      const ctx = c.getContext('2d') as CanvasRenderingContext2D;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      // Count pixels that are painted (non-transparent) and coloured (not grey text or grid lines).
      let painted = 0;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4 * 7) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a > 0) painted++;
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      }
      const chart = Chart.getChart(c);
      return { id: c.id, width: c.width, height: c.height, painted, coloured, legendItems: chart?.legend?.legendItems?.length ?? 0 };
    });
  });
  for (const c of charts) {
    expect(c.width, c.id).toBeGreaterThan(100);
    expect(c.painted, `${c.id} has painted pixels`).toBeGreaterThan(500);
    expect(c.coloured, `${c.id} has data drawn in colour`).toBeGreaterThan(20);
    expect(c.legendItems, `${c.id} legend`).toBeGreaterThan(0);
  }

  // Environment and command line at the top; the conformance matrix with reasons on hover.
  await expect(page.locator('.cmd code').first()).toContainText('fulcrum bench');
  await expect(page.locator('.matrix td.cell').first()).toHaveAttribute('title', /.+/);
  await page.screenshot({ path: join(OUT, 'bench-report.png'), fullPage: true });
  // Readable crops for a person to look at: the top of the page and each section.
  await page.screenshot({ path: join(OUT, 'bench-report-top.png') });
  const sections = page.locator('section');
  for (let i = 0; i < (await sections.count()); i++) {
    const id = await sections.nth(i).getAttribute('id');
    await sections.nth(i).screenshot({ path: join(OUT, `bench-report-${id}.png`) });
  }
  expect(problems).toEqual([]);
});
