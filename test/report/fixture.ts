/**
 * A realistic NO-GO review for the reporter tests: findings in all five domains, a failed
 * scenario step whose exchanges carry hostile markup and raw HL7, and a 30-second load run.
 */
import type {
  CriterionEvaluation,
  Domain,
  Exchange,
  Finding,
  LoadData,
  ScenarioData,
} from '../../src/core/index.js';
import type { ReportCheck, ReportInput } from '../../src/report/index.js';

export const HOSTILE = '</script><script>alert(1)</script>';
const VT = '\u000b';
const FS = '\u001c';

const T0 = Date.parse('2025-03-04T09:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

export const HL7_ORDER =
  'MSH|^~\\&|GOLIVE|LAB|LIS|HOSP|20250304090001+0000||ORM^O01^ORM_O01|CTL-1001|P|2.5.1\r' +
  'PID|1||MRN-0042^^^HOSP^MR||DOE^JANE^Q||19700101|F\r' +
  'ORC|CA|ORD-77|FIL-77\r' +
  `OBR|1|ORD-77|FIL-77|CBC^Complete blood count^L|||20250304085500+0000||||||note: <b>"bold" & 'quoted'</b> ${HOSTILE}\r`;

export const HL7_ACK =
  'MSH|^~\\&|LIS|HOSP|GOLIVE|LAB|20250304090001+0000||ACK^O01^ACK|ACK-1001|P|2.5.1\r' +
  'MSA|AA|CTL-1001\r';

function exchange(id: string, s: number, over: Partial<Exchange> = {}): Exchange {
  return {
    id,
    protocol: 'mllp',
    direction: 'outbound',
    peer: 'lis.example.org:2575',
    startedAt: at(s),
    durationMs: 12,
    request: `${VT}${HL7_ORDER}${FS}\r`,
    response: `${VT}${HL7_ACK}${FS}\r`,
    summary: 'ORM^O01 MSH-10=CTL-1001 -> AA (12 ms)',
    ...over,
  };
}

export const EXCHANGES: Exchange[] = [
  exchange('x-1', 1),
  exchange('x-2', 2, {
    direction: 'inbound',
    peer: 'golive-capture:7777',
    request: `MSH|^~\\&|LIS|HOSP|EHR|HOSP|20250304090003||ORU^R01|CTL-2001|P|2.5.1\rOBX|1|NM|718-7^Hemoglobin^LN||13.5|g/dL|12-16|N\rNTE|1||${HOSTILE}\r`,
    response: 'MSH|^~\\&|EHR|HOSP|LIS|HOSP|20250304090003||ACK|A-2001|P|2.5.1\rMSA|AA|CTL-2001\r',
    summary: `ORU^R01 MSH-10=CTL-2001 -> AA ${HOSTILE}`,
  }),
  exchange('x-3', 3, {
    protocol: 'http',
    peer: 'https://fhir.example.org/r4',
    request:
      'GET /r4/ServiceRequest?identifier=ORD-77 HTTP/1.1\r\nAccept: application/fhir+json\r\n\r\n',
    response: `HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\n\r\n{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"ServiceRequest","status":"active","note":[{"text":"${HOSTILE.replace(/"/g, '\\"')}"}]}}]}`,
    summary: 'GET ServiceRequest?identifier=ORD-77 -> 200 (1 entry)',
  }),
  exchange('x-4', 10, {
    peer: 'ris.example.org:2576',
    response: undefined,
    error: 'connect ECONNREFUSED 10.0.0.7:2576',
    summary: 'ADT^A01 MSH-10=CTL-3001 -> (no ACK)',
  }),
];

function f(
  domain: Domain,
  rule: string,
  severity: Finding['severity'],
  message: string,
  action: string,
  location?: Finding['location'],
): Finding {
  return { domain, rule, severity, message, action, ...(location ? { location } : {}) };
}

const scenarioCancel: ScenarioData = {
  steps: [
    {
      index: 1,
      id: 'place',
      type: 'send',
      title: 'Place CBC order',
      outcome: 'pass',
      message: 'Order accepted (AA).',
      startedAt: at(1),
      durationMs: 12,
      exchangeIds: ['x-1'],
    },
    {
      index: 2,
      id: 'result',
      type: 'expect-inbound',
      title: 'Result reaches the EHR',
      outcome: 'pass',
      message: 'ORU^R01 captured.',
      startedAt: at(2),
      durationMs: 40,
      exchangeIds: ['x-2'],
    },
    {
      index: 3,
      id: 'cancel',
      type: 'fhir-query',
      title: 'Cancelled order leaves nothing active',
      outcome: 'fail',
      message: 'The order is still active in the receiving system after ORC-1=CA <cancel>.',
      expected: 'ServiceRequest.status = revoked',
      actual: `ServiceRequest.status = active & note = "${HOSTILE}"`,
      startedAt: at(3),
      durationMs: 85,
      exchangeIds: ['x-3'],
    },
  ],
  variables: { mrn: 'MRN-0042' },
};

function series(): LoadData['series'] {
  const out: LoadData['series'] = [];
  for (let t = 0; t < 30; t++) {
    const stress = t >= 18 && t < 24 ? 1 : 0;
    out.push({
      t,
      sent: 50,
      completed: stress ? 44 : 50,
      errors: stress ? 2 : 0,
      p50: 18 + (t % 5) + stress * 30,
      p90: 35 + (t % 7) * 2 + stress * 90,
      p99: 60 + (t % 4) * 8 + stress * 380,
      max: 120 + stress * 700,
    });
  }
  return out;
}

const load: LoadData = {
  series: series(),
  histogram: [5, 10, 20, 50, 100, 200, 500, 1000, 2000].map((upToMs, i) => ({
    upToMs,
    count: [12, 180, 620, 410, 140, 60, 38, 22, 8][i] ?? 0,
  })),
  percentiles: { p50: 21, p90: 48, p95: 96, p99: 410, max: 820 },
  accounting: { AA: 1462, AE: 8, AR: 4, timeout: 22, 'connection-lost': 4 },
  thresholds: [
    { metric: 'p99_ms', expression: 'p99 < 500', ok: true, actual: 410 },
    { metric: 'error_rate', expression: 'rate(errors) < 0.5%', ok: false, actual: 2.53 },
    { metric: 'lost', expression: 'lost == 0', ok: false, actual: 4 },
  ],
  targetRate: 50,
  achievedRate: 48.7,
};

type CheckSeed = Omit<ReportCheck, 'startedAt' | 'durationMs' | 'measurements' | 'findings'> &
  Partial<Pick<ReportCheck, 'measurements' | 'findings' | 'durationMs'>>;

let n = 0;
function check(seed: CheckSeed): ReportCheck {
  n++;
  return { measurements: {}, findings: [], durationMs: 1000 * n, startedAt: at(n), ...seed };
}

export const CHECKS: ReportCheck[] = [
  check({
    check: 'order.cancel',
    kind: 'scenario',
    title: 'Cancel an order after it was placed',
    domain: 'workflow',
    criteria: ['workflow.exceptions', 'interop.updates'],
    outcome: 'fail',
    summary: 'The cancelled CBC order stayed active in the receiving system.',
    findings: [
      f(
        'workflow',
        'scenario.step-failed',
        'error',
        'Step 3 failed: order still active after cancel.',
        'Fix the cancel mapping (ORC-1=CA) in the interface engine and re-run.',
      ),
    ],
    evidenceId: 'ev-0001',
    hash: 'a3f5c1d2e4b6a7980c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b',
    data: scenarioCancel,
  }),
  check({
    check: 'result.critical',
    kind: 'scenario',
    title: 'Critical potassium reaches the ward within 15 minutes',
    domain: 'workflow',
    criteria: ['workflow.critical-escalation'],
    outcome: 'pass',
    summary: 'Critical result delivered in 4 min 12 s and acknowledged.',
    evidenceId: 'ev-0002',
    hash: 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2',
    data: {
      steps: [
        {
          index: 1,
          type: 'send',
          title: 'Send critical K+ 6.8 mmol/L',
          outcome: 'pass',
          message: 'Delivered.',
          startedAt: at(5),
          durationMs: 20,
          exchangeIds: [],
        },
      ],
    },
  }),
  check({
    check: 'adt.downtime',
    kind: 'scenario',
    title: 'Backlog after downtime is delivered in order, exactly once',
    domain: 'workflow',
    criteria: ['workflow.downtime-recovery'],
    outcome: 'error',
    summary: 'Inconclusive: the RIS refused the connection.',
    evidenceId: 'ev-0003',
    hash: 'c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2',
    data: {
      steps: [
        {
          index: 1,
          type: 'send',
          title: 'Replay backlog',
          outcome: 'error',
          message: 'Connection refused by ris.example.org:2576.',
          startedAt: at(10),
          durationMs: 3000,
          exchangeIds: ['x-4'],
        },
      ],
    },
  }),
  check({
    check: 'lint',
    kind: 'lint',
    title: 'Semantic lint of the traffic sample',
    domain: 'interop',
    criteria: ['interop.units-flags', 'interop.timestamps', 'interop.identity'],
    outcome: 'fail',
    summary: '3 errors and 1 warning in 1,240 messages.',
    measurements: { messages: 1240 },
    findings: [
      f(
        'interop',
        'units.ucum-invalid',
        'error',
        'OBX-6 "mg/dl" is not a valid UCUM unit for 2345-7 <glucose>.',
        'Map the unit to "mg/dL" in the LIS.',
        { file: 'sample/oru.hl7', index: 17, controlId: 'CTL-88', path: 'OBX[2]-6' },
      ),
      f(
        'interop',
        'flags.range-mismatch',
        'error',
        'OBX-8 "N" but 6.8 is above 3.5-5.1.',
        'Fix abnormal flag derivation.',
        { file: 'sample/oru.hl7', index: 31, path: 'OBX[1]-8' },
      ),
      f(
        'interop',
        'time.no-offset',
        'warning',
        'MSH-7 has no zone offset & no site zone is declared.',
        'Send offsets or declare site.timezone.',
        { file: 'sample/adt.hl7', index: 2, path: 'MSH-7' },
      ),
      f(
        'interop',
        'identity.split-record',
        'error',
        'Two MRNs for one patient "DOE^JANE".',
        'Merge and fix the registration rule.',
      ),
    ],
    evidenceId: 'ev-0004',
    hash: 'd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2',
  }),
  check({
    check: 'load.peak',
    kind: 'load',
    title: 'Peak: analyzer bursts plus background ADT',
    domain: 'infrastructure',
    criteria: ['infrastructure.peak-load'],
    outcome: 'fail',
    summary: '4 messages lost and a 2.5% error rate at 50 msg/s.',
    measurements: { p99_ms: 410, lost: 4, error_rate_pct: 2.53 },
    findings: [
      f(
        'infrastructure',
        'load.lost-messages',
        'error',
        '4 messages were sent but never acknowledged or delivered.',
        'Find where the interface engine drops messages under burst.',
      ),
    ],
    evidenceId: 'ev-0005',
    hash: 'e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2',
    data: load,
    durationMs: 30_000,
  }),
  check({
    check: 'compliance.access',
    kind: 'access',
    title: 'Access review',
    domain: 'compliance',
    criteria: ['compliance.roles-duties', 'compliance.service-vendor-accounts'],
    outcome: 'fail',
    summary: '2 accounts with conflicting duties; 1 shared account.',
    measurements: { accounts: 148, sod_conflicts: 2, shared_accounts: 1 },
    findings: [
      f(
        'compliance',
        'access.sod-conflict',
        'error',
        'Account "jsmith" can both order and verify results.',
        'Remove the verify role or document a compensating control.',
        { file: 'access.csv', row: 12, column: 'roles' },
      ),
      f(
        'compliance',
        'access.shared-account',
        'error',
        'Generic account "lab-night" is used by several people.',
        'Replace with named accounts.',
        { file: 'access.csv', row: 40 },
      ),
    ],
    evidenceId: 'ev-0006',
    hash: 'f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2',
  }),
  check({
    check: 'compliance.audit',
    kind: 'audit',
    title: 'Audit trail of scenario actions',
    domain: 'compliance',
    criteria: ['compliance.audit-trail'],
    outcome: 'pass',
    summary: 'Every scenario action left a complete audit record.',
    measurements: { actions: 42, audited: 42 },
    evidenceId: 'ev-0007',
    hash: '0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b',
  }),
  check({
    check: 'adoption.tasks',
    kind: 'adoption',
    title: 'Task simulations per role',
    domain: 'adoption',
    criteria: ['adoption.unaided-tasks', 'adoption.workaround-signals'],
    outcome: 'fail',
    summary: 'Phlebotomists completed 78% of critical tasks unaided (threshold 90%).',
    measurements: { unaided_critical_pct_nurse: 94, unaided_critical_pct_phlebotomist: 78 },
    findings: [
      f(
        'adoption',
        'adoption.unaided-below-threshold',
        'error',
        'Phlebotomist: 78% of critical tasks unaided (< 90%).',
        'Run another training round for relabel and recollect.',
      ),
      f(
        'adoption',
        'adoption.workaround-signal',
        'warning',
        'Sticky notes with patient IDs seen at ward 4B.',
        'Observe ward 4B and close the workflow gap.',
      ),
    ],
    evidenceId: 'ev-0008',
    hash: '1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c',
  }),
  check({
    check: 'site.environment',
    kind: 'attestation',
    title: 'Environment review attestation',
    domain: 'infrastructure',
    criteria: ['infrastructure.environment'],
    outcome: 'skip',
    summary: 'No attestation recorded yet.',
    evidenceId: 'ev-0009',
    hash: '2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d',
  }),
];

type Crit = [
  id: string,
  severity: CriterionEvaluation['severity'],
  status: CriterionEvaluation['status'],
  owner: string,
  reason: string,
  evidence: string[],
];

const CRITERIA: Crit[] = [
  [
    'workflow.exceptions',
    'blocker',
    'not-met',
    'integration lead',
    'order.cancel failed: the cancelled order stayed active.',
    ['ev-0001'],
  ],
  [
    'workflow.critical-escalation',
    'blocker',
    'met',
    'lab director',
    'Delivered in 4 min 12 s (deadline 15 min).',
    ['ev-0002'],
  ],
  [
    'workflow.downtime-recovery',
    'blocker',
    'inconclusive',
    'integration lead',
    'The downtime scenario could not connect to the RIS.',
    ['ev-0003'],
  ],
  [
    'workflow.handoffs',
    'major',
    'met',
    'clinical lead',
    'Every handoff has an owner and a fallback.',
    [],
  ],
  [
    'workflow.live-simulation',
    'major',
    'waived',
    'clinical lead',
    'Simulation moved to the week after launch; approved by the CMIO <risk accepted>.',
    [],
  ],
  [
    'interop.identity',
    'blocker',
    'not-met',
    'HIM manager',
    'One split record in the traffic sample.',
    ['ev-0004'],
  ],
  [
    'interop.units-flags',
    'blocker',
    'not-met',
    'lab informatics',
    '2 errors: invalid UCUM unit, flag disagrees with range.',
    ['ev-0004'],
  ],
  [
    'interop.timestamps',
    'major',
    'not-met',
    'integration lead',
    'MSH-7 without zone offset.',
    ['ev-0004'],
  ],
  [
    'interop.updates',
    'blocker',
    'not-met',
    'integration lead',
    'Cancellation left an active order.',
    ['ev-0001'],
  ],
  [
    'interop.message-integrity',
    'major',
    'met',
    'integration lead',
    'Control ids unique; no rejected messages.',
    ['ev-0004'],
  ],
  [
    'compliance.audit-trail',
    'blocker',
    'met',
    'privacy officer',
    'All 42 actions audited.',
    ['ev-0007'],
  ],
  [
    'compliance.roles-duties',
    'blocker',
    'not-met',
    'security officer',
    '2 segregation-of-duties conflicts, 1 shared account.',
    ['ev-0006'],
  ],
  [
    'compliance.service-vendor-accounts',
    'major',
    'met',
    'security officer',
    'All service accounts owned and non-interactive.',
    ['ev-0006'],
  ],
  [
    'compliance.device-security',
    'major',
    'not-evidenced',
    'biomed lead',
    'No device inventory supplied.',
    [],
  ],
  [
    'compliance.change-control',
    'major',
    'met',
    'change manager',
    'Approval rule and owner defined; validation approved.',
    [],
  ],
  [
    'adoption.unaided-tasks',
    'blocker',
    'not-met',
    'training lead',
    'Phlebotomist 78% < 90%.',
    ['ev-0008'],
  ],
  [
    'adoption.exceptions-understood',
    'major',
    'met',
    'training lead',
    'Exception tasks done unaided; guides exist.',
    [],
  ],
  [
    'adoption.workaround-signals',
    'major',
    'not-met',
    'nurse manager',
    'Open high-risk signal: sticky notes at ward 4B.',
    ['ev-0008'],
  ],
  [
    'adoption.floor-support',
    'minor',
    'not-evidenced',
    'go-live coordinator',
    'No roster supplied.',
    [],
  ],
  [
    'infrastructure.peak-load',
    'blocker',
    'not-met',
    'infrastructure lead',
    '4 messages lost; error rate 2.53% > 0.5%.',
    ['ev-0005'],
  ],
  [
    'infrastructure.failover',
    'blocker',
    'not-evidenced',
    'infrastructure lead',
    'No failover run recorded.',
    [],
  ],
  [
    'infrastructure.storage',
    'major',
    'met',
    'infrastructure lead',
    'Projected 61% of capacity after 7 years.',
    [],
  ],
  [
    'infrastructure.point-of-care',
    'minor',
    'met',
    'clinical lead',
    'Bedside response 1.2 s (< 2 s).',
    [],
  ],
  [
    'infrastructure.environment',
    'minor',
    'not-evidenced',
    'biomed lead',
    'Environment review not attested.',
    ['ev-0009'],
  ],
];

export function fixtureInput(): ReportInput {
  const criteria: CriterionEvaluation[] = CRITERIA.map(
    ([id, severity, status, owner, reason, evidence]) => ({
      id,
      domain: id.split('.')[0] as Domain,
      title: id
        .split('.')[1]!
        .replace(/-/g, ' ')
        .replace(/^./, (c) => c.toUpperCase()),
      severity,
      owner,
      status,
      reason,
      evidence,
    }),
  );
  return {
    review: {
      template: 'standard',
      policyVersion: 'standard/1',
      decision: 'NO_GO',
      rationale:
        '9 blocker criteria are open, in every domain: the integration is not safe to go live.',
      questions: [
        {
          domain: 'workflow',
          question: 'Exception workflows simulated?',
          answer: 'no',
          summary: 'Cancel failed; downtime recovery inconclusive.',
        },
        {
          domain: 'interop',
          question: 'Data meaning consistent end to end?',
          answer: 'no',
          summary: 'Unit, flag, identity and update defects.',
        },
        {
          domain: 'compliance',
          question: 'Compliance records complete?',
          answer: 'no',
          summary: 'Duty conflicts and a shared account.',
        },
        {
          domain: 'adoption',
          question: 'Users able to perform safely on day one?',
          answer: 'no',
          summary: 'Phlebotomists below the unaided threshold.',
        },
        {
          domain: 'infrastructure',
          question: 'Infrastructure passed realistic load?',
          answer: 'no',
          summary: 'Messages lost under peak load; failover not run.',
        },
      ],
      criteria,
      conditions: [
        {
          criterion: 'workflow.live-simulation',
          owner: 'clinical lead',
          due: '2025-03-18',
          reason: 'Waived by the CMIO until the post-launch simulation.',
        },
        {
          criterion: 'compliance.device-security',
          owner: 'biomed lead',
          due: '2025-03-14',
          reason: 'Supply the device inventory with security controls.',
        },
      ],
      openMinors: ['adoption.floor-support', 'infrastructure.environment'],
      evidence: CHECKS.map((c) => ({ id: c.evidenceId, hash: c.hash })),
      decidedBy: 'golive review engine (steering: A. Patel)',
      decidedAt: '2025-03-04T09:12:00.000Z',
    },
    checks: CHECKS,
    exchanges: EXCHANGES,
    run: {
      id: 'run-2025-03-04-0900',
      startedAt: '2025-03-04T09:00:00.000Z',
      finishedAt: '2025-03-04T09:11:42.000Z',
      target: 'St. Example "General" <lab & radiology>',
      config: 'golive.yaml',
      toolVersion: '0.1.0',
    },
  };
}

/**
 * The same review with evidence ids as a real store writes them (`ev-<seq>`, not zero-padded,
 * listed by the review as text sorts them: ev-1, ev-10, ev-108, ev-2...), one check record the
 * review did not weigh, the load run's thresholds in the load engine's own words, and a failover
 * that never recovered. Row positions and ids disagree here, as in a real report.
 */
export const STORE_IDS = [
  'ev-24',
  'ev-2',
  'ev-219',
  'ev-10',
  'ev-108',
  'ev-1',
  'ev-3',
  'ev-30',
  'ev-9',
] as const;

export function storeLikeInput(): ReportInput {
  const input = fixtureInput();
  const rename = new Map(input.checks.map((c, i) => [c.evidenceId, STORE_IDS[i]!]));
  const id = (old: string): string => rename.get(old) ?? old;
  input.checks = input.checks.map((c) => ({ ...c, evidenceId: id(c.evidenceId) }));
  for (const c of input.review.criteria) c.evidence = c.evidence.map(id);
  const load = input.checks.find((c) => c.kind === 'load')!;
  load.data = {
    ...(load.data as LoadData),
    histogram: [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096].map(
      (upToMs, i) => ({
        upToMs,
        count: [0, 0, 0, 0, 0, 0, 3, 10, 12, 9, 21, 40, 120, 285, 180][i]!,
      }),
    ),
    percentiles: {
      p50: 1395.71,
      p90: 2791.42,
      p95: 3028.99,
      p99: 3235.84,
      'p99.9': 3305.97,
      max: 3305.97,
    },
    thresholds: [
      { metric: 'ack_latency', expression: 'p(95)<250ms', ok: false, actual: 3028.991 },
      { metric: 'ack_latency', expression: 'p(99)<500ms', ok: false, actual: 3235.839 },
      { metric: 'errors', expression: 'rate<0.001', ok: true, actual: 0 },
      { metric: 'dropped_iterations', expression: 'count==0', ok: true, actual: 0 },
      { metric: 'lost', expression: 'count==0', ok: true, actual: 0 },
      { metric: 'duplicated', expression: 'count==0', ok: true, actual: 0 },
      { metric: 'fhir_latency', expression: 'p(95)<1s', ok: true, actual: 17.791 },
      { metric: 'fhir_errors', expression: 'rate<0.01', ok: true, actual: 0 },
      { metric: 'recovery_time', expression: 'value<10s', ok: false, actual: 0, measured: false },
    ] as LoadData['thresholds'],
  };
  input.checks.push({
    check: 'load.failover-restart.failover',
    kind: 'failover',
    title: 'Failover: restart under load (failover-restart)',
    domain: 'infrastructure',
    criteria: ['infrastructure.failover'],
    outcome: 'fail',
    summary:
      'restart: did not recover before the run ended (objective 10000 ms); 160 lost, 0 duplicated; 1 sends refused or unanswered during the outage.',
    findings: [
      f(
        'infrastructure',
        'failover.no-recovery',
        'error',
        'the target did not acknowledge again after the restart before the run ended',
        'check the restart procedure and the senders’ reconnect behaviour',
      ),
    ],
    measurements: { recovery_objective_ms: 10_000, lost: 160, duplicated: 0 },
    startedAt: at(40),
    durationMs: 8300,
    evidenceId: 'ev-541',
    hash: '3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e',
    data: { action: 'restart', accounting: {} },
  });
  const failover = input.review.criteria.find((c) => c.id === 'infrastructure.failover')!;
  failover.status = 'not-met';
  failover.evidence = ['ev-541'];
  failover.reason =
    'Not met: load.failover-restart.failover [ev-541] failed: restart: did not recover before the run ended (objective 10000 ms); 160 lost, 0 duplicated; 1 sends refused or unanswered during the outage.; messages lost in failover lost = 160 messages, threshold <= 0 [ev-541].';
  const evaluated = input.checks.filter((c) => c.evidenceId !== 'ev-9');
  input.review.evidence = evaluated
    .map((c) => ({ id: c.evidenceId, hash: c.hash }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return input;
}
