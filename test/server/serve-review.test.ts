/**
 * `golive serve --config`: "Start review" runs the real runner (the same as `golive run`)
 * against the embedded reference site, records into the dashboard's store under the name of
 * the user who started it, and shows its phases on the live view. A bad configuration stops
 * `serve` at start. The configuration is small (one scenario) so the run stays short.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { NAMES, seedStore, TOKENS, usersYaml, type Json } from './fixture.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'golive-serve-review-'));
  await (await seedStore(join(dir, 'evidence.db'))).close();
  writeFileSync(join(dir, 'users.yaml'), usersYaml());
  writeFileSync(
    join(dir, 'golive.yaml'),
    `version: 1
site:
  name: Dashboard test site
  timeZone: Europe/London
  criticalResultDeadline: 15m
  application: GOLIVE
  facility: RGH
scenarios:
  include: ['baseline.order-result']
  concurrency: 1
review:
  reports: ${JSON.stringify(join(dir, 'reports'))}
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => [
  'serve',
  '--store',
  join(dir, 'evidence.db'),
  '--users',
  join(dir, 'users.yaml'),
  '--port',
  '0',
  '--quiet',
];

describe('golive serve --config', () => {
  it('starts the configured review with the real runner and shows it live', async () => {
    const s = startCli(
      [...base(), '--config', join(dir, 'golive.yaml'), '--target', 'embedded'],
      /dashboard: (http:\/\/\S+)\/[\s\S]*review: .*\n/,
    );
    const url = (await s.started)[1]!;
    expect(s.output().stdout).toMatch(/review: .*golive\.yaml against embedded reference site/);
    const call = (path: string, init: RequestInit = {}) =>
      fetch(url + path, {
        ...init,
        headers: { authorization: `Bearer ${TOKENS.approver}` },
      });
    const started = await call('/api/reviews', { method: 'POST' });
    expect(started.status).toBe(202);
    expect(((await started.json()) as Json).state).toBe('running');
    let review: Json;
    await vi.waitFor(
      async () => {
        review = ((await (await call('/api/reviews/current')).json()) as Json).review;
        expect(review.state).not.toBe('running');
      },
      { timeout: 120_000, interval: 500 },
    );
    expect(review.error).toBeUndefined();
    expect(review.state).toBe('done');
    expect(review.steps.map((x: Json) => x.id)).toEqual(
      expect.arrayContaining(['records', 'probe', 'scenarios', 'review']),
    );
    expect(review.steps.every((x: Json) => x.state !== 'running' && x.state !== 'pending')).toBe(
      true,
    );
    const run = (await (await call(`/api/runs/${review.runId}`)).json()) as Json;
    expect(run.complete).toBe(true);
    expect(run.decision.value).toBe(review.decision);
    const evidence = (await (await call(`/api/runs/${review.runId}/evidence`)).json()) as Json;
    expect(new Set(evidence.records.map((r: Json) => r.author))).toEqual(new Set([NAMES.approver]));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 150_000);

  it('stops at start on a bad configuration, and refuses --target without --config', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nsite:\n  nmae: x\n');
    const bad = await runCli([...base(), '--config', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml/);
    const lone = await runCli([...base(), '--target', 'embedded']);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/--target and --profile need --config/);
  });
});
