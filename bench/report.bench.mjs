// Time to render the reports for a large review: 200 checks (150 scenarios with 5 steps each,
// 10 load runs with 600-second series, 40 lint/compliance/adoption checks) and 5,000 exchanges.
// Imports the compiled reporters from dist/ (npm run bench builds first).
import { renderHtml, renderJson, renderJunit, renderMarkdown } from '../dist/report/index.js';

const T0 = Date.parse('2025-03-04T09:00:00.000Z');
const at = (s) => new Date(T0 + s * 1000).toISOString();
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

const HL7 =
  '\u000bMSH|^~\\&|GOLIVE|LAB|LIS|HOSP|20250304090001+0000||ORU^R01|CTL-{n}|P|2.5.1\r' +
  'PID|1||MRN-{n}^^^HOSP^MR||DOE^JANE||19700101|F\r' +
  'OBR|1|ORD-{n}||CBC^Complete blood count^L\r' +
  'OBX|1|NM|718-7^Hemoglobin^LN||13.5|g/dL|12-16|N|||F\r'.repeat(8) +
  '\u001c\r';

function makeInput() {
  const exchanges = [];
  for (let i = 0; i < 5000; i++) {
    const text = HL7.replaceAll('{n}', String(i));
    exchanges.push({
      id: `x-${i}`,
      protocol: 'mllp',
      direction: i % 3 ? 'outbound' : 'inbound',
      peer: 'lis.example.org:2575',
      startedAt: at(i / 10),
      durationMs: 5 + rand() * 40,
      request: text,
      response: `\u000bMSH|^~\\&|LIS|HOSP|GOLIVE|LAB|20250304090001||ACK|A-${i}|P|2.5.1\rMSA|AA|CTL-${i}\r\u001c\r`,
      summary: `ORU^R01 MSH-10=CTL-${i} -> AA`,
    });
  }
  const checks = [];
  let x = 0;
  for (let i = 0; i < 200; i++) {
    const base = {
      check: `check.${i}`,
      title: `Check number ${i}`,
      criteria: ['workflow.exceptions'],
      outcome: i % 7 === 0 ? 'fail' : i % 11 === 0 ? 'error' : 'pass',
      summary: 'Observed behaviour of the integrated systems.',
      findings: [],
      measurements: { n: i },
      startedAt: at(i),
      durationMs: 1000 + i,
      evidenceId: `ev-${i}`,
      hash: i.toString(16).padStart(64, '0'),
    };
    if (i < 150) {
      const steps = [];
      for (let s = 0; s < 5; s++) {
        const ids = [];
        // 150 scenarios x 5 steps x 6-7 exchanges covers the 5,000 exchanges
        const per = s < 3 ? 7 : 6;
        for (let k = 0; k < per && x < exchanges.length; k++) ids.push(exchanges[x++].id);
        steps.push({
          index: s + 1,
          type: 'send',
          title: `Step ${s + 1}`,
          outcome: 'pass',
          message: 'ok',
          expected: 'AA',
          actual: 'AA',
          startedAt: at(i),
          durationMs: 20,
          exchangeIds: ids,
        });
      }
      checks.push({ ...base, kind: 'scenario', domain: 'workflow', data: { steps } });
    } else if (i < 160) {
      const series = Array.from({ length: 600 }, (_, t) => ({
        t,
        sent: 50,
        completed: 49,
        errors: 1,
        p50: 20 + rand() * 5,
        p90: 40 + rand() * 10,
        p99: 90 + rand() * 50,
        max: 300,
      }));
      const histogram = [5, 10, 20, 50, 100, 200, 500, 1000].map((upToMs) => ({
        upToMs,
        count: Math.round(rand() * 1000),
      }));
      checks.push({
        ...base,
        kind: 'load',
        domain: 'infrastructure',
        data: {
          series,
          histogram,
          percentiles: { p50: 21, p99: 120 },
          accounting: { AA: 29400, timeout: 600 },
          thresholds: [{ metric: 'p99_ms', expression: 'p99 < 500', ok: true, actual: 120 }],
        },
      });
    } else {
      const kinds = ['lint', 'access', 'audit', 'adoption'];
      const kind = kinds[i % 4];
      const domain = {
        lint: 'interop',
        access: 'compliance',
        audit: 'compliance',
        adoption: 'adoption',
      }[kind];
      const findings = Array.from({ length: 10 }, (_, k) => ({
        rule: `${kind}.rule-${k}`,
        severity: k % 3 ? 'warning' : 'error',
        domain,
        message: `Finding ${k} <with markup> & text`,
        action: 'Fix it before go-live.',
        location: { file: 'sample.hl7', index: k + 1, path: 'OBX[1]-6' },
      }));
      checks.push({ ...base, kind, domain, findings });
    }
  }
  const criteria = ['workflow', 'interop', 'compliance', 'adoption', 'infrastructure'].flatMap(
    (d) =>
      Array.from({ length: 5 }, (_, k) => ({
        id: `${d}.c${k}`,
        domain: d,
        title: `Criterion ${k}`,
        severity: k < 2 ? 'blocker' : k < 4 ? 'major' : 'minor',
        owner: 'integration lead',
        status: k % 2 ? 'met' : 'not-met',
        reason: 'Because.',
        evidence: [`ev-${k}`],
      })),
  );
  return {
    review: {
      template: 'standard',
      policyVersion: 'standard/1',
      decision: 'NO_GO',
      rationale: 'Blockers open.',
      questions: ['workflow', 'interop', 'compliance', 'adoption', 'infrastructure'].map((d) => ({
        domain: d,
        question: `${d}?`,
        answer: 'no',
        summary: 'Open blockers.',
      })),
      criteria,
      conditions: [],
      openMinors: [],
      evidence: checks.map((c) => ({ id: c.evidenceId, hash: c.hash })),
      decidedBy: 'bench',
      decidedAt: at(0),
    },
    checks,
    exchanges,
    run: {
      id: 'bench',
      startedAt: at(0),
      finishedAt: at(3600),
      target: 'bench-site',
      toolVersion: 'bench',
    },
  };
}

function time(label, fn, runs = 5) {
  fn(); // warm-up (also reads the Chart.js bundle once)
  const ms = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const t = performance.now();
    out = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const mb = (Buffer.byteLength(out) / 1048576).toFixed(1);
  console.log(
    `${label.padEnd(10)} median ${ms[Math.floor(runs / 2)].toFixed(0).padStart(5)} ms  min ${ms[0].toFixed(0).padStart(5)} ms  output ${mb.padStart(5)} MB`,
  );
}

const input = makeInput();
console.log(
  `review: ${input.checks.length} checks, ${input.exchanges.length} exchanges, ${input.review.criteria.length} criteria`,
);
time('html', () => renderHtml(input));
time('json', () => renderJson(input));
time('junit', () => renderJunit(input));
time('markdown', () => renderMarkdown(input));
const heap = process.memoryUsage().heapUsed / 1048576;
console.log(`heap used after rendering: ${heap.toFixed(0)} MB`);
