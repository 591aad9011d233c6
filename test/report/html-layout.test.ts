/**
 * The HTML report in headless Chromium at a desk width (1440 px) and a phone width (390 px):
 * evidence links land on the record they name, nothing is wider than the viewport or squeezed
 * to a few pixels, the filter bar narrows criteria, checks and findings under the report's CSP,
 * and the latency histogram labels every bucket and draws the thresholds.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { renderHtml } from '../../src/report/index.js';
import { STORE_IDS, storeLikeInput } from './fixture.js';

/*
 * Browser-side callbacks run in Chromium; the test tsconfig has no DOM lib, so these describe the
 * little of the DOM they touch (the casts are erased before Playwright serialises the callbacks).
 */
interface El {
  hidden: boolean;
  open: boolean;
  id: string;
  tagName: string;
  textContent: string | null;
  clientWidth: number;
  scrollWidth: number;
  parentElement: El | null;
  dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  click(): void;
  closest(selector: string): El | null;
  querySelector(selector: string): El | null;
}
interface Doc {
  documentElement: El;
  body: El;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  getElementById(id: string): El | null;
}
interface Win {
  document: Doc;
  innerWidth: number;
  location: { hash: string };
  getComputedStyle(el: El): { display: string; visibility: string };
  Chart: {
    getChart(canvas: El): {
      data: { labels: unknown[] };
      scales: { x: { ticks: unknown[] } };
    };
  };
}

/**
 * A readable cell has room for six characters of 13 px text (or its whole text when shorter)
 * plus padding; a fixed-layout table squeezed into a phone gave one letter per line.
 */
const CHAR_PX = 6;
const MIN_CHARS = 6;

const SHOT_DIR =
  process.env['GOLIVE_REPORT_SHOTS'] ?? mkdtempSync(join(tmpdir(), 'golive-report-shots-'));

const VIEWPORTS = [
  { name: 'desk', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe.skipIf(!chromiumAvailable)('HTML report at 1440 px and 390 px', () => {
  let browser: Browser;
  let url: string;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOT_DIR, { recursive: true });
    const file = join(SHOT_DIR, 'report-store.html');
    writeFileSync(file, renderHtml(storeLikeInput()));
    url = pathToFileURL(file).href;
    console.log(`HTML report and screenshots at 1440 and 390 px in ${SHOT_DIR}`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.body.dataset['chartsReady'] !== undefined,
    );
    return page;
  }

  for (const vp of VIEWPORTS) {
    it(`fits ${vp.width} px: nothing wider than the viewport, every table in its box, no cell squeezed`, async () => {
      const page = await open(vp.width, vp.height);
      await page.screenshot({ path: join(SHOT_DIR, `report-${vp.width}.png`) });
      // everything open, so every table and exchange is laid out and measured
      await page.evaluate(() =>
        Array.from((globalThis as unknown as Win).document.querySelectorAll('details')).forEach(
          (d) => (d.open = true),
        ),
      );
      const m = await page.evaluate(
        (min) => {
          const d = (globalThis as unknown as Win).document;
          const visible = (el: El): boolean => {
            const s = (globalThis as unknown as Win).getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0;
          };
          const tables = Array.from(d.querySelectorAll('main table')).filter(visible);
          const clipped = tables
            .filter((t) => t.getBoundingClientRect().width > t.parentElement!.clientWidth + 1)
            .map((t) => `${t.getBoundingClientRect().width} in ${t.parentElement!.clientWidth}`);
          const squeezed = Array.from(d.querySelectorAll('main td, main th'))
            .filter((c) => visible(c) && (c.textContent ?? '').trim() !== '')
            .filter(
              (c) =>
                c.getBoundingClientRect().width <
                Math.min((c.textContent ?? '').trim().length, min.chars) * min.px + 8,
            )
            .map(
              (c) =>
                `${Math.round(c.getBoundingClientRect().width)}px "${(c.textContent ?? '').trim().slice(0, 20)}"`,
            );
          return {
            scrollWidth: d.documentElement.scrollWidth,
            tables: tables.length,
            clipped,
            squeezed,
          };
        },
        { chars: MIN_CHARS, px: CHAR_PX },
      );
      expect(m.tables).toBeGreaterThan(10);
      expect(m.scrollWidth).toBeLessThanOrEqual(vp.width);
      expect(m.clipped).toEqual([]);
      expect(m.squeezed.slice(0, 10)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('takes every evidence link to the record it names, and lists records in store order', async () => {
    const page = await open(1440, 900);
    const links = page.locator('main a[href^="#ev-"]');
    const n = await links.count();
    expect(n).toBeGreaterThanOrEqual(25);
    const wrong: string[] = [];
    for (let i = 0; i < n; i++) {
      const link = links.nth(i);
      const label = (await link.textContent())?.trim();
      // a DOM click follows the link as a reader's would (the sticky bar cannot intercept it)
      await link.evaluate((a) => a.click());
      // the record landed on, read from what its row shows (its id cell)
      const landed = await page.evaluate(() => {
        const t = (globalThis as unknown as Win).document.querySelector(':target');
        const shown = t?.querySelector('code')?.textContent ?? 'nothing';
        return `${shown} (${(globalThis as unknown as Win).location.hash})`;
      });
      // the record shown and the address (what a reader copies into a ticket) both name it
      if (landed !== `${label} (#${label})`) wrong.push(`${label} -> ${landed}`);
    }
    expect(wrong).toEqual([]);

    // an address shared as report.html#ev-24 opens record ev-24
    for (const id of ['ev-24', 'ev-219', 'ev-541']) {
      await page.goto(`${url}#${id}`);
      const shown = await page.evaluate(
        () =>
          (globalThis as unknown as Win).document.querySelector(':target')?.querySelector('code')
            ?.textContent,
      );
      expect(shown).toBe(id);
    }

    const rows = await page.evaluate(() =>
      Array.from(
        (globalThis as unknown as Win).document.querySelectorAll('[data-testid="evidence-row"]'),
      ).map((r) => ({ id: r.id, shown: r.querySelector('code')?.textContent ?? '' })),
    );
    const numeric = [...STORE_IDS, 'ev-541'].sort(
      (a, b) => Number(a.slice(3)) - Number(b.slice(3)),
    );
    expect(rows.map((r) => r.shown)).toEqual(numeric);
    expect(rows.every((r) => r.id === r.shown)).toBe(true);
    await page.close();
  });

  it('filters criteria, checks and findings by status, domain and search, under the CSP', async () => {
    const page = await open(1440, 900);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as Win).document.body.dataset['filterReady'],
      ),
    ).toBe('1');
    const visibleRows = (selector: string) =>
      page.evaluate(
        (sel) =>
          Array.from((globalThis as unknown as Win).document.querySelectorAll(sel))
            .filter(
              (el) =>
                (globalThis as unknown as Win).getComputedStyle(el).display !== 'none' &&
                !el.closest('[hidden]'),
            )
            .map((el) => ({
              status: el.getAttribute('data-status') ?? '',
              fStatus: el.dataset['fStatus'] ?? '',
              domain: el.dataset['fDomain'] ?? '',
              text: (el.textContent ?? '').toLowerCase(),
            })),
        selector,
      );
    const all = await visibleRows('[data-testid="criterion-row"]');
    expect(all).toHaveLength(24);

    await page.getByTestId('filters').locator('[data-f-set-status="fail"]').click();
    const failed = await visibleRows('[data-testid="criterion-row"]');
    expect(failed.length).toBe(all.filter((r) => r.status === 'not-met').length);
    expect(failed.every((r) => r.status === 'not-met')).toBe(true);
    const cards = await visibleRows('[data-testid="check"]');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.every((c) => c.fStatus === 'fail')).toBe(true);
    expect(await page.getByTestId('filter-shown').textContent()).toMatch(
      /^\d+ of \d+ items shown$/,
    );

    await page.getByTestId('filter-domain').selectOption('compliance');
    const compliance = await visibleRows(
      '[data-testid="criterion-row"], [data-testid="finding-row"], [data-testid="check"]',
    );
    expect(compliance.length).toBeGreaterThan(0);
    expect(compliance.every((r) => r.domain === 'compliance' && r.fStatus === 'fail')).toBe(true);
    // a domain group with nothing left is hidden, with its heading
    expect(
      await page.locator('[data-f-group]:not([hidden]) table[data-domain="workflow"]').count(),
    ).toBe(0);

    await page.getByTestId('filters').locator('[data-f-set-status=""]').click();
    await page.getByTestId('filter-domain').selectOption('');
    await page.getByTestId('filter-search').fill('potassium');
    const found = await visibleRows(
      '[data-testid="criterion-row"], [data-testid="finding-row"], [data-testid="check-row"]',
    );
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((r) => r.text.includes('potassium'))).toBe(true);

    // a link to something the filter hides clears the filter
    await page.getByTestId('filter-search').fill('');
    await page.getByTestId('filters').locator('[data-f-set-status="pass"]').click();
    const target = await page.evaluate(() => {
      const row = Array.from(
        (globalThis as unknown as Win).document.querySelectorAll('[data-testid="evidence-row"] a'),
      ).find((a) => {
        const card = (globalThis as unknown as Win).document.getElementById(
          a.getAttribute('href')!.slice(1),
        );
        return card?.hidden === true;
      });
      row?.click();
      return row?.getAttribute('href') ?? '';
    });
    expect(target).toMatch(/^#check-\d+$/);
    expect(await page.locator(target).isVisible()).toBe(true);
    expect(await visibleRows('[data-testid="criterion-row"]')).toHaveLength(24);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('labels every histogram bucket and draws the latency thresholds on it', async () => {
    for (const vp of VIEWPORTS) {
      const page = await open(vp.width, vp.height);
      const h = await page.evaluate(() => {
        const canvas = (globalThis as unknown as Win).document.getElementById('chart-histogram-1')!;
        const chart = (globalThis as unknown as Win).Chart.getChart(canvas);
        return {
          labels: chart.data.labels.length,
          ticks: chart.scales.x.ticks.length,
          lines: canvas.getAttribute('data-threshold-lines'),
        };
      });
      expect(h.labels).toBe(15);
      expect(h.ticks, `${vp.width} px`).toBe(15);
      expect(h.lines).toBe('2');
      const caption = await page
        .locator('figure.chart figcaption', { hasText: 'histogram' })
        .textContent();
      expect(caption).toContain('p95 < 250 ms (missed)');
      expect(caption).toContain('p99 < 500 ms (missed)');
      await page.locator('#chart-histogram-1').scrollIntoViewIfNeeded();
      await page
        .locator('#chart-histogram-1')
        .screenshot({ path: join(SHOT_DIR, `histogram-${vp.width}.png`) });
      await page.close();
    }
  });
});
