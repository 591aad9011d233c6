/**
 * `golive demo`: the whole review against the embedded reference site, with the example site
 * files under examples/. The demo fault profile switches on realistic defects so the review ends
 * NO-GO with findings in every domain; `clean` runs a fault-free site with complete evidence.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attestation, CheckResult } from '../core/index.js';
import { defaultConfig } from '../config/index.js';
import { loadBuiltinScenarios, runScenarios, startEmbeddedTarget } from '../scenarios/index.js';
import { checkAuditTrail, reviewAccessFiles, reviewRegisterFiles } from '../compliance/index.js';
import { reviewAdoptionFiles } from '../adoption/index.js';
import {
  loadBuiltinProfile,
  loadProfileFile,
  measuredSizesOf,
  projectStorage,
  runLoadProfile,
  storageDeclarationSchema,
} from '../load/index.js';
import { loadYamlFile } from '../inputs/yaml.js';
import { startEmbeddedTarget as startLoadTarget } from '../load/embedded.js';
import { openEvidenceStore } from '../evidence/index.js';
import { checkHandoffs, loadAttestations } from './attestations.js';
import { recordAndDecide, type Decided } from './decide.js';
import type { TaskList } from './progress.js';

/** Defects found in real go-lives, one or more per domain the machine can observe. */
export const DEMO_FAULTS = [
  'ignore-corrections',
  'merge-not-applied',
  'unit-rewrite',
  'no-audit-on-read',
];
export const DEMO_LOAD_FAULTS = ['slow-under-load'];
/** The example site files are dated for a review on this day. */
export const EXAMPLES_AS_OF = new Date('2026-02-27T12:00:00Z');

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface DemoOptions {
  clean: boolean;
  outDir: string;
  tasks: TaskList;
  toolVersion: string;
}

export async function runDemo(o: DemoOptions): Promise<Decided> {
  const started = new Date();
  const ex = join(ROOT, 'examples', o.clean ? 'site-clean' : 'site');
  const checks: CheckResult[] = [];
  const t = o.tasks;
  for (const [id, title] of [
    ['scenarios', 'Workflow scenarios over MLLP and FHIR'],
    ['audit', 'Audit trail of every action'],
    ['load', 'Peak load (analyzer bursts, ADT, FHIR readers) and storage growth'],
    ['failover', 'Failover: restart mid-stream, loss and recovery'],
    ['files', 'Compliance and adoption records'],
    ['review', 'Evidence store, review and reports'],
  ])
    t.add(id!, title!);

  t.start('scenarios');
  const emb = await startEmbeddedTarget(defaultConfig(), { faults: o.clean ? [] : DEMO_FAULTS });
  let scen;
  try {
    scen = await runScenarios({
      config: emb.config,
      scenarios: loadBuiltinScenarios(),
      target: emb.target,
      capture: emb.capture,
      concurrency: 4,
    });
    checks.push(...scen.results);
    const failed = scen.results.filter((r) => r.outcome !== 'pass').length;
    t.finish(
      'scenarios',
      failed ? 'fail' : 'pass',
      `${scen.results.length - failed}/${scen.results.length} passed`,
    );
    t.start('audit');
    const audit = await checkAuditTrail({
      exchanges: scen.exchanges,
      source: { kind: 'fhir', baseUrl: emb.site.fhirBase, user: 'golive-auditor' },
      now: new Date(),
    });
    checks.push(audit);
    t.finish(
      'audit',
      audit.outcome === 'pass' ? 'pass' : audit.outcome === 'fail' ? 'fail' : 'error',
      audit.summary,
    );
  } finally {
    await emb.stop();
  }

  t.start('load');
  const lt = await startLoadTarget({ faults: o.clean ? [] : DEMO_LOAD_FAULTS, durable: true });
  try {
    const load = await runLoadProfile({ profile: loadBuiltinProfile('peak'), target: lt.target });
    checks.push(...load);
    if (load[0]) {
      const decl = loadYamlFile(
        join(ROOT, 'examples/site/load/storage.yaml'),
        storageDeclarationSchema,
      ).value;
      checks.push(projectStorage(decl, measuredSizesOf(load[0])));
    }
    t.finish(
      'load',
      load.some((c) => c.outcome === 'fail') ? 'fail' : 'pass',
      load[0]?.summary ?? '',
    );
  } finally {
    await lt.stop();
  }
  t.start('failover');
  const ft = await startLoadTarget({ faults: o.clean ? [] : ['lost-on-restart'], durable: true });
  try {
    const fo = await runLoadProfile({
      profile: loadProfileFile(join(ROOT, 'examples/site/load/failover.yaml')),
      target: ft.target,
    });
    checks.push(...fo);
    t.finish(
      'failover',
      fo.some((c) => c.outcome === 'fail') ? 'fail' : 'pass',
      fo[fo.length - 1]?.summary ?? '',
    );
  } finally {
    await ft.stop();
  }

  t.start('files');
  const c = join(ex, 'compliance');
  const a = join(ex, 'adoption');
  const accounts = join(c, o.clean ? 'accounts.yaml' : 'accounts.csv');
  checks.push(
    ...reviewAccessFiles(
      { accounts, roles: join(c, 'roles.csv'), duties: join(c, 'duties.yaml') },
      { now: EXAMPLES_AS_OF },
    ),
  );
  checks.push(
    ...reviewRegisterFiles(
      {
        devices: join(c, o.clean ? 'devices.yaml' : 'devices.csv'),
        changes: join(c, 'changes.csv'),
        validations: join(c, 'validations.csv'),
      },
      { now: EXAMPLES_AS_OF },
    ),
  );
  checks.push(
    ...reviewAdoptionFiles(
      {
        tasks: join(a, 'tasks.csv'),
        guides: join(a, 'guides.csv'),
        signals: join(a, 'signals.csv'),
        roster: join(a, 'roster.csv'),
        plan: join(a, 'plan.yaml'),
      },
      { now: EXAMPLES_AS_OF },
    ),
  );
  checks.push(
    checkHandoffs(
      [
        {
          from: 'LIS',
          to: 'EHR',
          owner: 'Integration team (J. Okafor)',
          fallback: 'Downtime result sheets, phoned criticals',
        },
        {
          from: 'EHR',
          to: 'LIS',
          owner: 'Integration team (J. Okafor)',
          fallback: 'Paper requisitions',
        },
        {
          from: 'Sterile processing',
          to: 'Theatres',
          owner: 'SPD manager',
          fallback: o.clean ? 'Manual tray log' : undefined,
        },
      ],
      'golive demo',
      new Date(),
    ),
  );
  const attestations: Attestation[] = loadAttestations(join(ex, 'review', 'attestations.yaml'));
  const failedFiles = checks.slice(-10).filter((x) => x.outcome === 'fail').length;
  t.finish('files', failedFiles ? 'fail' : 'pass', `${attestations.length} attestation(s)`);

  t.start('review');
  mkdirSync(o.outDir, { recursive: true });
  const store = await openEvidenceStore(join(o.outDir, 'evidence.db'));
  try {
    const decided = await recordAndDecide({
      store,
      runId: `demo-${started.toISOString().replace(/[:.]/g, '')}`,
      author: 'golive demo',
      collected: { checks, attestations, waivers: [] },
      now: () => new Date(),
      startedAt: started,
      target: `embedded reference site${o.clean ? '' : ` (faults: ${[...DEMO_FAULTS, ...DEMO_LOAD_FAULTS, 'lost-on-restart'].join(', ')})`}`,
      toolVersion: o.toolVersion,
      reportDir: o.outDir,
    });
    t.finish('review', 'pass', decided.review.decision.replace('_', ' '));
    return decided;
  } finally {
    await store.close();
  }
}
