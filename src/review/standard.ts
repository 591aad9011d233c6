/**
 * The built-in `standard` template: the 24 readiness criteria of REVIEW.md as data.
 * Ids are the contract with checks (CheckResult.criteria); titles and prose are ours.
 * Severity answers "could this harm a patient or lose clinical data on day one?" (blocker),
 * "does it need an owner and a date before launch?" (major), or "track it" (minor).
 */
import type { MeasurementRule, ReviewTemplate, TemplateCriterion } from './types.js';

type Spec = Omit<TemplateCriterion, 'measurements'> & { measurements?: MeasurementRule[] };

function c(spec: Spec): TemplateCriterion {
  return { ...spec, measurements: spec.measurements ?? [] };
}

const WORKFLOW: TemplateCriterion[] = [
  c({
    id: 'workflow.exceptions',
    domain: 'workflow',
    title: 'Exception workflows pass end to end',
    why: 'Harm happens off the happy path: a cancelled order that still runs, a relabelled specimen filed to the wrong patient.',
    signal:
      'Every exception scenario in scope (cancel, modify, re-entry, relabel, delayed specimen, duplicate patient, STAT, cancelled exam, unknown order, duplicate message, sterilization cycle failure) passed against the integrated systems.',
    sources: ['scenario'],
    severity: 'blocker',
    owner: 'clinical workflow lead',
    needs: 'check',
  }),
  c({
    id: 'workflow.critical-escalation',
    domain: 'workflow',
    title: 'Critical results reach someone in time',
    why: 'A critical value nobody sees is a missed diagnosis; the escalation path is the safety net.',
    signal:
      'Critical results reached the notification target within the site deadline and the acknowledgement was tracked.',
    sources: ['scenario'],
    severity: 'blocker',
    owner: 'laboratory director',
    needs: 'check',
  }),
  c({
    id: 'workflow.downtime-recovery',
    domain: 'workflow',
    title: 'Downtime backlog recovers, and staff rehearsed it',
    why: 'After an outage the backlog must arrive once and in order, and staff must know the paper procedure.',
    signal:
      'The downtime scenario delivered the backlog in order, exactly once, and a rehearsal of the downtime procedure is attested.',
    sources: ['scenario', 'attestation'],
    severity: 'major',
    owner: 'clinical workflow lead',
    needs: 'check+attestation',
    attestation: 'staff rehearsed the downtime and recovery procedure',
  }),
  c({
    id: 'workflow.handoffs',
    domain: 'workflow',
    title: 'Every handoff has an owner and a fallback',
    why: 'Work falls between departments when a handoff has nobody accountable and no plan B.',
    signal:
      'Each handoff in the integration map names an accountable owner and a fallback procedure.',
    sources: ['site-config'],
    severity: 'major',
    owner: 'integration lead',
    needs: 'check',
  }),
  c({
    id: 'workflow.live-simulation',
    domain: 'workflow',
    title: 'Real users ran a supervised simulation',
    why: 'Only end users reveal the workarounds a script never exercises.',
    signal:
      'A simulation with real end users was observed and no unsafe workaround was seen, as attested by the observer.',
    sources: ['attestation'],
    severity: 'major',
    owner: 'clinical workflow lead',
    needs: 'attestation',
    attestation: 'a simulation with real end users was observed without unsafe workarounds',
  }),
];

const INTEROP: TemplateCriterion[] = [
  c({
    id: 'interop.identity',
    domain: 'interop',
    title: 'Patient identity stays whole',
    why: 'A split or merged record puts one patient’s results in another’s chart.',
    signal:
      'Merge and correction scenarios pass and the traffic sample shows no split or merged identities.',
    sources: ['scenario', 'lint:identity.*'],
    severity: 'blocker',
    owner: 'health information management lead',
    needs: 'check',
  }),
  c({
    id: 'interop.units-flags',
    domain: 'interop',
    title: 'Units and flags mean the same on both sides',
    why: 'A value in the wrong unit, or a missing abnormal flag, is read as normal by a busy clinician.',
    signal:
      'Numeric results carry valid UCUM units, one unit per test code, flags agree with reference ranges, and the receiver shows exactly what was sent.',
    sources: ['lint:units.*', 'lint:flags.*', 'scenario'],
    severity: 'blocker',
    owner: 'laboratory informatics lead',
    needs: 'check',
  }),
  c({
    id: 'interop.timestamps',
    domain: 'interop',
    title: 'Times are unambiguous and causal',
    why: 'A result that appears to precede its order, or a shifted collection time, misleads care and audit.',
    signal:
      'Timestamps carry an offset (or a declared site zone), event sequences are causal, and clock skew stays under the threshold.',
    sources: ['lint:time.*', 'scenario'],
    severity: 'major',
    owner: 'interface analyst',
    needs: 'check',
    measurements: [
      {
        measurement: 'clock_skew_max_ms',
        op: '<=',
        threshold: 1000,
        unit: 'ms',
        label: 'largest clock skew between systems',
        required: false,
      },
    ],
  }),
  c({
    id: 'interop.updates',
    domain: 'interop',
    title: 'Corrections and cancellations take effect',
    why: 'A corrected result that leaves the old value active, or a late preliminary over a final, is a wrong chart.',
    signal:
      'Corrections replace prior values, cancellations leave nothing active, and a late preliminary never overwrites a final.',
    sources: ['scenario', 'lint:update.*'],
    severity: 'blocker',
    owner: 'interface analyst',
    needs: 'check',
  }),
  c({
    id: 'interop.message-integrity',
    domain: 'interop',
    title: 'Messages are unique and acknowledged',
    why: 'Reused control ids and silent rejections lose or duplicate data without anyone noticing.',
    signal:
      'Control ids are unique, acknowledgements are correct, and the sample has no rejected messages.',
    sources: ['lint:structure.*', 'ack statistics'],
    severity: 'major',
    owner: 'interface analyst',
    needs: 'check',
  }),
];

const COMPLIANCE: TemplateCriterion[] = [
  c({
    id: 'compliance.audit-trail',
    domain: 'compliance',
    title: 'Every access to patient data is audited',
    why: 'Without who, what, when, where and outcome, a breach cannot be investigated or disproved.',
    signal:
      'Every scenario action that created, read or changed patient data left an audit record with who, what, when, where and outcome.',
    sources: ['audit'],
    severity: 'blocker',
    owner: 'privacy officer',
    needs: 'check',
  }),
  c({
    id: 'compliance.roles-duties',
    domain: 'compliance',
    title: 'Access matches clinical duties',
    why: 'Excess permissions and shared accounts make every audit record meaningless.',
    signal:
      'No account exceeds its clinical duties, no segregation-of-duties conflict, no shared or generic accounts.',
    sources: ['access'],
    severity: 'major',
    owner: 'security officer',
    needs: 'check',
  }),
  c({
    id: 'compliance.service-vendor-accounts',
    domain: 'compliance',
    title: 'Service and vendor access is controlled',
    why: 'Unowned service accounts and open-ended vendor access are the usual way in.',
    signal:
      'Each service account has an owner, no interactive login and a rotation date; vendor remote access is approved and expires.',
    sources: ['access'],
    severity: 'major',
    owner: 'security officer',
    needs: 'check',
  }),
  c({
    id: 'compliance.device-security',
    domain: 'compliance',
    title: 'Connected devices have security controls on record',
    why: 'A connected analyzer or pump is a network endpoint regulators expect to see controlled.',
    signal: 'Each connected device has documented cybersecurity controls.',
    sources: ['registers'],
    severity: 'major',
    owner: 'biomedical engineering lead',
    needs: 'check',
  }),
  c({
    id: 'compliance.change-control',
    domain: 'compliance',
    title: 'Changes are controlled and validated on site',
    why: 'A vendor certificate does not prove the interface works in this hospital’s configuration.',
    signal:
      'An interface change approval rule and a post-launch update owner exist; site-specific validation records are present and approved.',
    sources: ['registers'],
    severity: 'major',
    owner: 'compliance officer',
    needs: 'check',
  }),
];

const ADOPTION: TemplateCriterion[] = [
  c({
    id: 'adoption.unaided-tasks',
    domain: 'adoption',
    title: 'Each role completes critical tasks unaided',
    why: 'On day one there is no trainer at every elbow; tasks that need coaching get done wrong.',
    signal:
      'For every role, at least the threshold share of critical tasks was completed without coaching.',
    sources: ['adoption'],
    severity: 'major',
    owner: 'training lead',
    needs: 'check',
    measurements: [
      {
        measurement: 'unaided_critical_pct_min',
        op: '>=',
        threshold: 90,
        unit: '%',
        label: 'critical tasks completed unaided (lowest role)',
        required: true,
      },
    ],
  }),
  c({
    id: 'adoption.exceptions-understood',
    domain: 'adoption',
    title: 'Staff handle exceptions, with a guide at hand',
    why: 'Exceptions are rare in training and common on launch day.',
    signal:
      'Exception tasks were completed unaided and a quick-reference guide exists for each of them.',
    sources: ['adoption'],
    severity: 'major',
    owner: 'training lead',
    needs: 'check',
  }),
  c({
    id: 'adoption.workaround-signals',
    domain: 'adoption',
    title: 'No high-risk workaround is open',
    why: 'Sticky notes, side spreadsheets and verbal relays mean the system is being bypassed, and data with it.',
    signal:
      'The signal log has no open high-risk workaround (sticky notes, parallel spreadsheets, delayed acknowledgements, verbal result relays, password-sharing requests).',
    sources: ['adoption'],
    severity: 'major',
    owner: 'nursing informatics lead',
    needs: 'check',
  }),
  c({
    id: 'adoption.floor-support',
    domain: 'adoption',
    title: 'Floor support covers every launch shift',
    why: 'Problems on the night shift need someone on the floor, not a ticket queue.',
    signal: 'The support roster covers every unit on every launch shift.',
    sources: ['adoption'],
    severity: 'major',
    owner: 'go-live command centre lead',
    needs: 'check',
  }),
];

const INFRASTRUCTURE: TemplateCriterion[] = [
  c({
    id: 'infrastructure.peak-load',
    domain: 'infrastructure',
    title: 'Peak load holds with nothing lost',
    why: 'Analyzer bursts at shift change are when results are most needed and queues most full.',
    signal:
      'The peak profile met its latency and error thresholds and every message sent is accounted for.',
    sources: ['load'],
    severity: 'blocker',
    owner: 'infrastructure lead',
    needs: 'check',
    measurements: [
      {
        measurement: 'lost',
        op: '<=',
        threshold: 0,
        unit: 'messages',
        label: 'messages unaccounted for',
        required: true,
      },
    ],
  }),
  c({
    id: 'infrastructure.failover',
    domain: 'infrastructure',
    title: 'Failover loses and duplicates nothing',
    why: 'A restart that drops or repeats results corrupts charts silently.',
    signal:
      'A forced switch or restart lost and duplicated nothing and recovered within the recovery objective.',
    sources: ['failover'],
    severity: 'blocker',
    owner: 'infrastructure lead',
    needs: 'check',
    measurements: [
      {
        measurement: 'lost',
        op: '<=',
        threshold: 0,
        unit: 'messages',
        label: 'messages lost in failover',
        required: true,
      },
      {
        measurement: 'duplicated',
        op: '<=',
        threshold: 0,
        unit: 'messages',
        label: 'messages duplicated in failover',
        required: true,
      },
      {
        measurement: 'recovery_s',
        op: '<=',
        threshold: 300,
        unit: 's',
        label: 'time to recover',
        required: true,
      },
    ],
  }),
  c({
    id: 'infrastructure.storage',
    domain: 'infrastructure',
    title: 'Storage fits the retention period',
    why: 'Running out of space mid-retention stops interfaces or forces unplanned deletion.',
    signal:
      'Storage projected from measured sizes and volumes over the retention period fits capacity with headroom.',
    sources: ['storage'],
    severity: 'minor',
    owner: 'infrastructure lead',
    needs: 'check',
    measurements: [
      {
        measurement: 'storage_headroom_pct',
        op: '>=',
        threshold: 20,
        unit: '%',
        label: 'capacity headroom at end of retention',
        required: true,
      },
    ],
  }),
  c({
    id: 'infrastructure.point-of-care',
    domain: 'infrastructure',
    title: 'Fast enough where care is delivered',
    why: 'A screen that is quick in the data centre can be slow on the ward Wi-Fi.',
    signal:
      'Response time at the point of care was measured and is within threshold, or attested by an observer.',
    sources: ['load', 'attestation'],
    severity: 'major',
    owner: 'infrastructure lead',
    needs: 'check|attestation',
    attestation: 'response time at the point of care is within threshold',
    measurements: [
      {
        measurement: 'poc_response_p95_ms',
        op: '<=',
        threshold: 2000,
        unit: 'ms',
        label: '95th percentile response at the point of care',
        required: false,
      },
    ],
  }),
  c({
    id: 'infrastructure.environment',
    domain: 'infrastructure',
    title: 'Equipment environment reviewed',
    why: 'Power, cooling, network drops and space around connected equipment fail in ways no test shows.',
    signal: 'Environmental constraints around connected equipment were reviewed, as attested.',
    sources: ['attestation'],
    severity: 'minor',
    owner: 'biomedical engineering lead',
    needs: 'attestation',
    attestation: 'environmental constraints around connected equipment were reviewed',
  }),
];

export const STANDARD_TEMPLATE: ReviewTemplate = {
  id: 'standard',
  title: 'Standard go-live review',
  policy: { version: 'standard-1', conditionDueDays: 30, waivable: ['major', 'minor'] },
  questions: {
    workflow: 'Were the exception workflows simulated end to end, not only the happy path?',
    interop: 'Does the data mean the same thing on both sides of every interface?',
    compliance: 'Are the records an auditor will ask for complete?',
    adoption: 'Can the people who use it work safely on day one?',
    infrastructure: 'Did the infrastructure hold under realistic load and faults?',
  },
  criteria: [...WORKFLOW, ...INTEROP, ...COMPLIANCE, ...ADOPTION, ...INFRASTRUCTURE],
};
