/**
 * The HTML report opened in real headless Chromium (Debian package, driven by playwright-core):
 * decision, board and charts rendered, no network, hostile exchange text inert, a screenshot.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { renderHtml } from '../../src/report/index.js';
import { fixtureInput } from './fixture.js';

/*
 * Browser-side callbacks run in Chromium; the test tsconfig has no DOM lib, so these describe the
 * little of the DOM they touch (the casts are erased before Playwright serialises the callbacks).
 */
interface Toggle {
  open: boolean;
}
interface Doc {
  body: { dataset: Record<string, string | undefined> };
  querySelectorAll(selector: string): { length: number; forEach(f: (el: Toggle) => void): void };
}
interface Win {
  document: Doc;
  getComputedStyle(el: unknown): { backgroundColor: string };
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

/** Screenshots land here, kept after the run so a person can look at them (path is logged). */
const SHOT_DIR =
  process.env['GOLIVE_REPORT_SHOTS'] ?? mkdtempSync(join(tmpdir(), 'golive-report-shots-'));

describe.skipIf(!chromiumAvailable)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    mkdirSync(SHOT_DIR, { recursive: true });
    file = join(SHOT_DIR, 'report.html');
    writeFileSync(file, renderHtml(fixtureInput()));
    console.log(`HTML report, screenshot and PDF in ${SHOT_DIR}`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the decision, the board and three rendered charts, with no network and no script injection', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const requests: string[] = [];
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.body.dataset['chartsReady'] !== undefined,
      null,
      {
        timeout: 15_000,
      },
    );

    expect(
      await page.evaluate(
        () => (globalThis as unknown as Win).document.body.dataset['chartsReady'],
      ),
    ).toBe('3');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as Win).document.body.dataset['chartsError'] ?? '',
      ),
    ).toBe('');
    expect((await page.getByTestId('decision-label').textContent())?.trim()).toBe('NO-GO');
    await expect(
      page
        .getByTestId('decision')
        .evaluate((el) => (globalThis as unknown as Win).getComputedStyle(el).backgroundColor),
    ).resolves.toBe('rgb(180, 35, 24)');
    expect(await page.getByTestId('board').locator('[data-testid="criterion-row"]').count()).toBe(
      24,
    );
    expect(await page.getByTestId('question').count()).toBe(5);

    for (const id of ['chart-latency-1', 'chart-throughput-1', 'chart-histogram-1']) {
      const painted = await page.getByTestId(id).evaluate((el) => {
        const c = el as unknown as Canvas;
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return { n, w: c.width, h: c.height };
      });
      expect(painted.w, id).toBeGreaterThan(100);
      expect(painted.n, id).toBeGreaterThan(2000);
    }

    // open every exchange so hostile text is in the live DOM, then give any injected script a chance
    await page.evaluate(() =>
      (globalThis as unknown as Win).document
        .querySelectorAll('details')
        .forEach((d) => (d.open = true)),
    );
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(
      await page.locator('pre.raw', { hasText: '</script><script>alert(1)</script>' }).count(),
    ).toBeGreaterThan(0);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as Win).document.querySelectorAll('script').length,
      ),
    ).toBe(3);
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);

    await page.evaluate(() =>
      (globalThis as unknown as Win).document
        .querySelectorAll('details')
        .forEach((d) => (d.open = false)),
    );
    const shot = join(SHOT_DIR, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    await page.close();
  });

  it('reports zero charts ready when there is no load run', async () => {
    const input = fixtureInput();
    input.checks = input.checks.filter((c) => c.kind !== 'load');
    const noLoad = join(SHOT_DIR, 'report-no-load.html');
    writeFileSync(noLoad, renderHtml(input));
    const page = await browser.newPage();
    await page.goto(pathToFileURL(noLoad).href);
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.body.dataset['chartsReady'] !== undefined,
    );
    expect(
      await page.evaluate(
        () => (globalThis as unknown as Win).document.body.dataset['chartsReady'],
      ),
    ).toBe('0');
    await page.close();
  });

  it('prints to PDF with sections expanded', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.body.dataset['chartsReady'] !== undefined,
    );
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(SHOT_DIR, 'report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await page.locator('.toc').isVisible()).toBe(false);
    await page.close();
  });
});
