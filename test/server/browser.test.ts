/**
 * The dashboard in real headless Chromium (Debian package, driven by playwright-core): sign in,
 * the runs list with decision chips, a run page with the decision, the five questions and the
 * criteria board, an attestation recorded through the form, and screenshots to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { HOSTILE } from '../report/fixture.js';
import {
  MISSING_ATTESTATION,
  NAMES,
  RUN_COND,
  RUN_DECIDED,
  RUN_NOGO,
  startHarness,
  TOKENS,
  type Harness,
} from './fixture.js';

/** Screenshots are kept after the run so a person can look at them (the path is logged). */
const SHOT_DIR =
  process.env['GOLIVE_DASHBOARD_SHOTS'] ?? mkdtempSync(join(tmpdir(), 'golive-dashboard-shots-'));

interface Win {
  document: { body: { dataset: Record<string, string | undefined> } };
}

function expectPng(file: string): void {
  const png = readFileSync(file);
  expect(png.length).toBeGreaterThan(10_000);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
}

describe.skipIf(!chromiumAvailable)('dashboard in headless Chromium', () => {
  let browser: Browser;
  let h: Harness;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOT_DIR, { recursive: true });
    console.log(`dashboard screenshots in ${SHOT_DIR}`);
    h = await startHarness();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.cleanup();
  });

  it('signs in and shows the runs list with decision chips', async () => {
    await page.goto(`${h.url}/`);
    await page.locator('input[name="name"]').fill(NAMES.approver);
    await page.locator('input[name="token"]').fill(TOKENS.approver);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${h.url}/`);
    expect(page.url()).toBe(`${h.url}/`);
    await expect(page.getByTestId('run-row').count()).resolves.toBe(3);
    expect(await page.getByTestId('verify').getAttribute('data-ok')).toBe('true');
    const decided = page.getByTestId('run-row').filter({ hasText: RUN_DECIDED });
    expect((await decided.getByTestId('decision-chip').textContent())?.trim()).toBe('NO-GO');
    const cond = page.getByTestId('run-row').filter({ hasText: RUN_COND });
    expect(await cond.getByTestId('decision-chip').textContent()).toContain(
      'CONDITIONAL GO · provisional',
    );
    const shot = join(SHOT_DIR, 'runs.png');
    await page.screenshot({ path: shot, fullPage: true });
    expectPng(shot);
  });

  it('opens a run page: decision, questions and board visible, charts drawn, hostile text inert', async () => {
    await page.getByRole('link', { name: RUN_NOGO }).click();
    await page.waitForFunction(
      () => (globalThis as unknown as Win).document.body.dataset['chartsReady'] !== undefined,
    );
    expect((await page.getByTestId('decision-label').textContent())?.trim()).toBe('NO-GO');
    expect(await page.getByTestId('decision-label').isVisible()).toBe(true);
    expect(await page.getByTestId('provisional').isVisible()).toBe(true);
    expect(await page.getByTestId('question').count()).toBe(5);
    expect(await page.getByTestId('board').isVisible()).toBe(true);
    expect(await page.getByTestId('board').locator('[data-testid="criterion-row"]').count()).toBe(
      24,
    );
    expect(
      await page.evaluate(
        () => (globalThis as unknown as Win).document.body.dataset['chartsReady'],
      ),
    ).toBe('3');
    expect(await page.getByTestId('waive-form').isVisible()).toBe(true);
    await page
      .locator('details')
      .evaluateAll((ds) => ds.forEach((d) => ((d as unknown as { open: boolean }).open = true)));
    expect(await page.locator('pre.raw', { hasText: HOSTILE }).count()).toBeGreaterThan(0);
    expect(dialogs).toEqual([]);
    await page
      .locator('details')
      .evaluateAll((ds) => ds.forEach((d) => ((d as unknown as { open: boolean }).open = false)));
    const shot = join(SHOT_DIR, 'run-nogo.png');
    await page.screenshot({ path: shot, fullPage: true });
    expectPng(shot);
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await page.screenshot({ path: join(SHOT_DIR, 'run-nogo-top.png') });
    await page.getByTestId('record').screenshot({ path: join(SHOT_DIR, 'run-nogo-record.png') });
    expectPng(join(SHOT_DIR, 'run-nogo-top.png'));
  });

  it('records an attestation through the form and the provisional decision becomes GO', async () => {
    await page.goto(`${h.url}/runs/${RUN_COND}`);
    expect((await page.getByTestId('decision-label').textContent())?.trim()).toBe('CONDITIONAL GO');
    const form = page.getByTestId('attest-form');
    await form.locator('select[name="criterion"]').selectOption(MISSING_ATTESTATION);
    await form
      .locator('textarea[name="statement"]')
      .fill('Observed a full ED shift simulation; no unsafe workaround.');
    await form.locator('input[name="reference"]').fill('SIM-ED-2026-11');
    await form.getByRole('button', { name: 'Record attestation' }).click();
    await page.waitForURL(/recorded=ev-\d+/);
    expect((await page.getByTestId('decision-label').textContent())?.trim()).toBe('GO');
    expect(await page.getByTestId('notice').textContent()).toMatch(/Recorded ev-\d+/);
    const shot = join(SHOT_DIR, 'run-go.png');
    await page.screenshot({ path: shot, fullPage: false });
    expectPng(shot);
  });

  it('made no request beyond the dashboard and raised no script error', () => {
    expect(requests.filter((u) => !u.startsWith(h.url))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
