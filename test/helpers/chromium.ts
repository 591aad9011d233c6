/**
 * Debian's Chromium for the browser tests, driven by playwright-core. Where it is not installed
 * the browser tests are skipped, except under CI, where its absence is an error (.ci/run
 * installs it): a skipped UI test must never pass for a run.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env['CI']) throw new Error(`Chromium not found at ${CHROMIUM}`);

/** Headless, no network side traffic (updates, sync, QUIC), no first-run UI. */
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
