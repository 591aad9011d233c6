/**
 * Synthetic evidence for the dashboard tests, written through the store API as `golive run` does:
 *  - RUN_NOGO: the report fixture's checks (hostile exchange text, a load run), no decision record;
 *  - RUN_COND: every criterion evidenced and met except one major attestation, no decision record
 *    (provisional CONDITIONAL GO, which an attestation turns into GO);
 *  - RUN_DECIDED: a few checks and a decision record `{ review, head, run }`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../src/core/index.js';
import { appendCheck, openEvidenceStore, type EvidenceStore } from '../../src/evidence/index.js';
import { steppingClock } from '../../src/evidence/testing.js';
import { evaluateReview, evidenceFromRecords, STANDARD_TEMPLATE } from '../../src/review/index.js';
import { hashToken, startServer, type RunningServer } from '../../src/server/index.js';
import type { Role, ServerOptions } from '../../src/server/index.js';
import { CHECKS, EXCHANGES } from '../report/fixture.js';

export const RUN_NOGO = 'run-2026-11-27-nogo';
export const RUN_COND = 'run-2026-11-27-cond';
export const RUN_DECIDED = 'run-2026-11-26-decided';
export const NOW = new Date('2026-11-28T10:00:00Z');
export const MISSING_ATTESTATION = 'workflow.live-simulation';

export const TOKENS: Record<Role, string> = {
  viewer: 'viewer-token-0123456789abcdef',
  attestor: 'attestor-token-0123456789abcdef',
  approver: 'approver-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
};

export const NAMES: Record<Role, string> = {
  viewer: 'Vic Viewer',
  attestor: 'Ana Attestor',
  approver: 'Dana Approver',
  admin: 'Sam Admin',
};

function passing(id: string): CheckResult {
  const c = STANDARD_TEMPLATE.criteria.find((x) => x.id === id)!;
  const measurements: Record<string, number> = {};
  for (const m of c.measurements) measurements[m.measurement] = m.op === '<=' ? 0 : m.threshold + 5;
  return {
    check: `synthetic.${id}`,
    kind: 'scenario',
    title: `Synthetic evidence for ${c.title}`,
    domain: c.domain,
    criteria: [id],
    outcome: 'pass',
    summary: 'Passed against the synthetic site.',
    findings: [],
    measurements,
    startedAt: '2026-11-27T08:00:00.000Z',
    durationMs: 1200,
  };
}

async function seedCond(store: EvidenceStore): Promise<void> {
  for (const c of STANDARD_TEMPLATE.criteria) {
    if (c.needs !== 'attestation') await appendCheck(store, RUN_COND, 'golive run', passing(c.id));
    if (c.needs.includes('attestation') && c.id !== MISSING_ATTESTATION) {
      await store.append({
        kind: 'attestation',
        runId: RUN_COND,
        author: 'Lee Lead',
        content: {
          criterion: c.id,
          statement: c.attestation ?? 'Observed on site.',
          attestedBy: 'Lee Lead',
          role: 'integration lead',
          at: '2026-11-26',
          holds: true,
        },
      });
    }
  }
}

async function seedDecided(store: EvidenceStore): Promise<void> {
  for (const id of ['workflow.exceptions', 'interop.units-flags'])
    await appendCheck(store, RUN_DECIDED, 'golive run', passing(id));
  const records = await store.list({ runId: RUN_DECIDED });
  const review = evaluateReview({
    template: STANDARD_TEMPLATE,
    evidence: evidenceFromRecords(records).evidence,
    now: '2026-11-26T12:00:00.000Z',
    decidedBy: 'golive run',
  });
  const head = (await store.verify()).headHash;
  await store.append({
    kind: 'decision',
    runId: RUN_DECIDED,
    author: 'golive',
    content: { review, head, run: { target: 'lis.example.org:2575', config: 'golive.yaml' } },
  });
}

export async function seedStore(file: string): Promise<EvidenceStore> {
  const store = await openEvidenceStore(file, { clock: steppingClock('2026-11-26T08:00:00Z') });
  await seedDecided(store);
  for (const [i, c] of CHECKS.entries()) {
    const { evidenceId: _id, hash: _h, ...check } = c;
    await appendCheck(
      store,
      RUN_NOGO,
      'golive run',
      i === 0 ? { ...check, exchanges: EXCHANGES } : check,
    );
  }
  await seedCond(store);
  return store;
}

export function usersYaml(): string {
  return `users:\n${(Object.keys(TOKENS) as Role[])
    .map(
      (r) => `  - name: ${NAMES[r]}\n    role: ${r}\n    token_sha256: ${hashToken(TOKENS[r])}\n`,
    )
    .join('')}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read response JSON freely
export type Json = any;
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<Json> };

export interface Harness {
  dir: string;
  store: EvidenceStore;
  server: RunningServer;
  url: string;
  /** fetch relative to the server, with the role's bearer token when given. */
  call(path: string, init?: RequestInit & { as?: Role; json?: unknown }): Promise<JsonResponse>;
  cleanup(): Promise<void>;
}

export async function startHarness(
  opts: { withUsers?: boolean; server?: Partial<ServerOptions> } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'golive-serve-'));
  const store = await seedStore(join(dir, 'evidence.db'));
  let users;
  if (opts.withUsers !== false) {
    writeFileSync(join(dir, 'users.yaml'), usersYaml());
    const { loadUsers } = await import('../../src/server/index.js');
    users = loadUsers(join(dir, 'users.yaml'));
  }
  const server = await startServer({
    store,
    users,
    auditFile: join(dir, 'dashboard-audit.db'),
    clock: () => NOW,
    version: '0.0.0-test',
    host: '127.0.0.1',
    port: 0,
    ...opts.server,
  });
  const url = server.url.replace(/\/$/, '');
  return {
    dir,
    store,
    server,
    url,
    call: (path, init = {}) => {
      const { as, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as) headers.set('authorization', `Bearer ${TOKENS[as]}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(url + path, {
        ...rest,
        headers,
        redirect: 'manual',
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    cleanup: async () => {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
