/**
 * The dashboard over a store that is not as golive wrote it (issue 16, items 8 and 10): a record
 * whose content is not JSON, written into the SQLite file directly, and runs without a decision
 * record. Pages and API keep answering, name the bad record in a red banner and an API entry,
 * and mark incomplete runs.
 */
import { join } from 'node:path';
import { openSqlite } from '../../src/storage/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RUN_COND,
  RUN_DECIDED,
  RUN_NOGO,
  startHarness,
  type Harness,
  type Json,
} from './fixture.js';

let h: Harness;
let badId: string;
beforeAll(async () => {
  h = await startHarness();
  // An insider (or a broken tool) inserts a row into the store's file: content is not JSON.
  const raw = openSqlite(join(h.dir, 'evidence.db'));
  try {
    const head = raw.prepare('SELECT seq, chain_hash FROM chain_head').get() as {
      seq: number;
      chain_hash: string;
    };
    const seq = head.seq + 1;
    badId = `ev-${seq}`;
    raw
      .prepare(
        `INSERT INTO records VALUES (?, ?, ?, 'check', '2026-11-27T12:00:00.000Z', 'golive run',
           '{"check": "x", oops', '[]', ?, ?, ?)`,
      )
      .run(seq, badId, RUN_NOGO, 'a'.repeat(64), head.chain_hash, 'b'.repeat(64));
    raw
      .prepare('UPDATE chain_head SET seq = ?, id = ?, chain_hash = ?')
      .run(seq, badId, 'b'.repeat(64));
  } finally {
    raw.close();
  }
});
afterAll(async () => h?.cleanup());

describe('a malformed record', () => {
  it('GET /api/runs lists every run and names the record', async () => {
    const res = await h.call('/api/runs', { as: 'viewer' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.runs.map((r: Json) => r.id).sort()).toEqual(
      [RUN_COND, RUN_DECIDED, RUN_NOGO].sort(),
    );
    expect(body.malformed).toEqual([
      {
        id: badId,
        seq: expect.any(Number),
        runId: RUN_NOGO,
        kind: 'check',
        why: 'content is not JSON',
      },
    ]);
    const nogo = body.runs.find((r: Json) => r.id === RUN_NOGO);
    expect(nogo.malformed.map((m: Json) => m.id)).toEqual([badId]);
    expect(body.runs.find((r: Json) => r.id === RUN_COND).malformed).toEqual([]);
  });

  it('the runs page shows a red banner naming it, and the store as not intact', async () => {
    const res = await h.call('/', { as: 'viewer' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const banner = /<div class="banner banner--bad" data-testid="malformed">(.*?)<\/div>/s.exec(
      html,
    )?.[1];
    expect(banner).toContain('1 evidence record(s) cannot be read.');
    expect(banner).toContain(`<code>${badId}</code>`);
    expect(banner).toContain('content is not JSON');
    expect(html).toContain('data-testid="verify" data-ok="false"');
    expect(html.match(/data-testid="run-row"/g)).toHaveLength(3);
  });

  it('the run page and its review name it and leave it out', async () => {
    const page = await h.call(`/runs/${RUN_NOGO}`, { as: 'viewer' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="malformed"');
    expect(html).toContain(`<code>${badId}</code>`);
    const review = await (await h.call(`/api/runs/${RUN_NOGO}/review`, { as: 'viewer' })).json();
    expect(review.malformed).toMatchObject([{ id: badId, why: 'content is not JSON' }]);
    expect(review.rejected).toEqual([]);
    const detail = await h.call(`/api/evidence/${badId}`, { as: 'viewer' });
    expect(detail.status).toBe(200);
    expect((await detail.json()).record).toMatchObject({
      id: badId,
      content: null,
      malformed: 'content is not JSON',
    });
  });

  it('GET /api/verify names it', async () => {
    const v = await (await h.call('/api/verify', { as: 'viewer' })).json();
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ id: badId, problem: 'malformed' }));
  });
});

describe('runs without a decision record', () => {
  it('are marked incomplete in the API, the runs list and the run page', async () => {
    const { runs } = await (await h.call('/api/runs', { as: 'viewer' })).json();
    const byId = new Map(runs.map((r: Json) => [r.id, r.complete]));
    expect(byId).toEqual(
      new Map([
        [RUN_DECIDED, true],
        [RUN_NOGO, false],
        [RUN_COND, false],
      ]),
    );
    const html = await (await h.call('/', { as: 'viewer' })).text();
    const rows = html.split('data-testid="run-row"').slice(1);
    const incomplete = rows.filter((r) => r.includes('data-testid="incomplete"'));
    expect(incomplete).toHaveLength(2);
    expect(incomplete.join('')).not.toContain(RUN_DECIDED);
    const page = await (await h.call(`/runs/${RUN_COND}`, { as: 'viewer' })).text();
    expect(page).toMatch(/data-testid="incomplete"><b>Incomplete run:<\/b> no decision record/);
    const decided = await (await h.call(`/runs/${RUN_DECIDED}`, { as: 'viewer' })).text();
    expect(decided).not.toContain('data-testid="incomplete"');
    const review = await (await h.call(`/api/runs/${RUN_COND}/review`, { as: 'viewer' })).json();
    expect(review.complete).toBe(false);
  });
});
