/**
 * Register completeness: connected devices with documented cybersecurity controls
 * (compliance.device-security), and interface changes that are approved, owned after launch
 * and validated at this site (compliance.change-control). Vendor certification alone does not
 * count as validation: it proves the product, not this site's build, mappings and data.
 */
import type { CheckResult } from '../../core/index.js';
import type { Finding, Location } from '../../core/index.js';
import { buildResult, errorResult, pct } from '../../core/index.js';
import { endOf } from '../../inputs/index.js';
import { cell, type TableRow } from '../../inputs/index.js';
import type { ChangeRow, DeviceRow, ValidationRow } from './schema.js';

const UNDOCUMENTED = new Set([
  '',
  'unknown',
  'tbd',
  'tbc',
  '?',
  'n/a',
  'na',
  'not documented',
  'undocumented',
]);
/** Answers that document the control as absent (a real gap, but a documented one). */
const ABSENT = new Set(['none', 'no', 'not supported', 'unsupported', 'disabled']);

/** The controls a device record must document, with the words used in findings. */
const CONTROLS: { key: keyof DeviceRow; label: string; absentIsGap: boolean }[] = [
  { key: 'network', label: 'network segment', absentIsGap: false },
  { key: 'patching', label: 'patching', absentIsGap: true },
  { key: 'authentication', label: 'authentication', absentIsGap: true },
  { key: 'encryption', label: 'encryption', absentIsGap: true },
  // "none" is the good answer for remote access: no vendor tunnel into the device.
  { key: 'remote_access', label: 'remote access', absentIsGap: false },
  { key: 'disclosure_form', label: 'manufacturer disclosure (MDS2) form', absentIsGap: true },
];

function f(
  rule: string,
  severity: Finding['severity'],
  location: Location,
  message: string,
  action: string,
  detail?: Record<string, unknown>,
): Finding {
  return {
    rule,
    severity,
    domain: 'compliance',
    message,
    action,
    location,
    ...(detail ? { detail } : {}),
  };
}

/**
 * An empty register (a header and no rows) is no evidence: the check cannot be evaluated
 * (outcome error, the review's inconclusive), never "All 0 ... pass" (fail-closed).
 */
export function emptyRegister(
  spec: Parameters<typeof errorResult>[0],
  what: string,
  source: string | undefined,
): CheckResult {
  return errorResult(
    spec,
    `${what}${source ? ` (${source})` : ''} has no rows: an empty register is no evidence. List the entries, or leave the register out so the criterion stays not evidenced.`,
  );
}

export function reviewDevices(
  devices: TableRow<DeviceRow>[],
  opts: { now: Date; source?: string },
): CheckResult {
  if (devices.length === 0)
    return emptyRegister(
      {
        check: 'compliance.registers.devices',
        kind: 'registers',
        title: 'Connected-device inventory: cybersecurity controls',
        domain: 'compliance',
        criteria: ['compliance.device-security'],
        now: opts.now,
      },
      'the device register',
      opts.source,
    );
  const findings: Finding[] = [];
  let complete = 0;
  for (const d of devices) {
    const v = d.value;
    const label = v.name ? `${v.device} (${v.name})` : v.device;
    const missing = CONTROLS.filter((c) => {
      const val = (v[c.key] as string | undefined)?.trim().toLowerCase() ?? '';
      // A disclosure form marked "no" is simply not on file.
      return UNDOCUMENTED.has(val) || (c.key === 'disclosure_form' && ABSENT.has(val));
    });
    const absent = CONTROLS.filter(
      (c) =>
        c.absentIsGap &&
        c.key !== 'disclosure_form' &&
        ABSENT.has((v[c.key] as string | undefined)?.trim().toLowerCase() ?? ''),
    );
    if (missing.length > 0) {
      findings.push(
        f(
          'registers.device-controls-missing',
          'error',
          cell(d.at, String(missing[0]!.key)),
          `device ${label} has no documented ${missing.map((c) => c.label).join(', ')}`,
          `Document the missing control(s) for ${v.device} from the manufacturer's MDS2 form and the network team, or isolate the device until they are known.`,
          { missing: missing.map((c) => c.key) },
        ),
      );
    }
    for (const c of absent) {
      findings.push(
        f(
          'registers.device-control-absent',
          'warning',
          cell(d.at, String(c.key)),
          `device ${label} documents no ${c.label} ("${String(v[c.key])}")`,
          `Record the compensating control for ${c.label} on ${v.device} (e.g. network isolation) and the risk acceptance.`,
        ),
      );
    }
    if (!v.owner) {
      findings.push(
        f(
          'registers.device-no-owner',
          'error',
          cell(d.at, 'owner'),
          `device ${label} has no owner`,
          `Name the department or person accountable for ${v.device} (patching, incidents, decommissioning).`,
        ),
      );
    }
    if (missing.length === 0 && v.owner) complete++;
  }
  return buildResult({
    check: 'compliance.registers.devices',
    kind: 'registers',
    title: 'Connected-device inventory: cybersecurity controls',
    domain: 'compliance',
    criteria: ['compliance.device-security'],
    findings,
    measurements: {
      devices_total: devices.length,
      devices_complete: complete,
      devices_complete_pct: pct(complete, devices.length),
    },
    now: opts.now,
    passSummary: `All ${devices.length} connected devices have an owner and documented security controls.`,
    failSummary: () =>
      `${devices.length - complete} of ${devices.length} connected devices lack an owner or documented security controls.`,
  });
}

/** Validation records for a change: linked either way (change column or validation_ref). */
function validationsFor(
  c: ChangeRow,
  all: Map<string, TableRow<ValidationRow>>,
): { found: TableRow<ValidationRow>[]; dangling: string[] } {
  const found = new Map<string, TableRow<ValidationRow>>();
  const dangling: string[] = [];
  for (const ref of c.validation_ref) {
    const v = all.get(ref);
    if (v) found.set(ref, v);
    else dangling.push(ref);
  }
  for (const [id, v] of all) if (v.value.change === c.change) found.set(id, v);
  return { found: [...found.values()], dangling };
}

export function reviewChanges(
  changes: TableRow<ChangeRow>[],
  validations: TableRow<ValidationRow>[],
  opts: { now: Date; source?: string },
): CheckResult {
  if (changes.length === 0)
    return emptyRegister(
      {
        check: 'compliance.registers.changes',
        kind: 'registers',
        title: 'Interface change control: approvals, owners, site validation',
        domain: 'compliance',
        criteria: ['compliance.change-control'],
        now: opts.now,
      },
      'the change register',
      opts.source,
    );
  const findings: Finding[] = [];
  const byId = new Map(validations.map((v) => [v.value.id, v]));
  let ok = 0;
  for (const ch of changes) {
    const c = ch.value;
    const before = findings.length;
    if (!c.approver || !c.approved_at) {
      findings.push(
        f(
          'registers.change-unapproved',
          'error',
          cell(ch.at, !c.approver ? 'approver' : 'approved_at'),
          `change ${c.change} has no recorded approval${c.approver ? ' date' : ''}`,
          `Get ${c.change} approved under the interface change rule (change advisory board or delegated approver) and record who and when.`,
        ),
      );
    } else if (c.approved_at.ms >= endOf(c.date)) {
      findings.push(
        f(
          'registers.change-unapproved',
          'error',
          cell(ch.at, 'approved_at'),
          `change ${c.change} was approved on ${c.approved_at.iso}, after it was made on ${c.date.iso}`,
          `Treat ${c.change} as an unapproved change: review it retrospectively and record why the approval rule was bypassed.`,
        ),
      );
    }
    if (!c.post_launch_owner) {
      findings.push(
        f(
          'registers.change-no-owner',
          'error',
          cell(ch.at, 'post_launch_owner'),
          `change ${c.change} has no post-launch owner`,
          `Name who owns ${c.change} after go-live (updates, vendor releases, incident follow-up).`,
        ),
      );
    }
    const { found, dangling } = validationsFor(c, byId);
    const site = found.filter((v) => v.value.scope === 'site');
    const approved = site.filter((v) => v.value.approved_by);
    const passed = approved.filter((v) => v.value.result === 'pass');
    const valAt = cell(ch.at, 'validation_ref');
    if (found.length === 0) {
      const why =
        dangling.length > 0
          ? `its validation reference ${dangling.join(', ')} is not among the validation records`
          : 'no validation record';
      findings.push(
        f(
          'registers.change-unvalidated',
          'error',
          valAt,
          `change ${c.change} has ${why}`,
          `Validate ${c.change} at this site (test scripts run on this build with this site's data) and record it.`,
          { dangling },
        ),
      );
    } else if (site.length === 0) {
      findings.push(
        f(
          'registers.validation-vendor-only',
          'error',
          valAt,
          `change ${c.change} is validated by the vendor only (${found.map((v) => v.value.id).join(', ')}): vendor certification is not site validation`,
          `Run site-specific validation of ${c.change} (this site's build, mappings and workflows), approved by the site, and record it.`,
          { vendorOnly: found.map((v) => v.value.id) },
        ),
      );
    } else if (approved.length === 0) {
      findings.push(
        f(
          'registers.validation-unapproved',
          'error',
          site[0]!.at,
          `site validation ${site.map((v) => v.value.id).join(', ')} of change ${c.change} is not approved`,
          `Have the validation of ${c.change} reviewed and approved by the accountable site lead.`,
        ),
      );
    } else if (passed.length === 0) {
      findings.push(
        f(
          'registers.validation-failed',
          'error',
          approved[0]!.at,
          `site validation of change ${c.change} failed (${approved.map((v) => v.value.id).join(', ')})`,
          `Fix ${c.change} and repeat the site validation until it passes.`,
        ),
      );
    }
    if (findings.length === before) ok++;
  }
  return buildResult({
    check: 'compliance.registers.changes',
    kind: 'registers',
    title: 'Interface change control: approvals, owners, site validation',
    domain: 'compliance',
    criteria: ['compliance.change-control'],
    findings,
    measurements: {
      changes_total: changes.length,
      changes_controlled: ok,
      changes_controlled_pct: pct(ok, changes.length),
      validations_total: validations.length,
    },
    now: opts.now,
    passSummary: `All ${changes.length} interface changes are approved, owned after launch and validated at this site.`,
    failSummary: () =>
      `${changes.length - ok} of ${changes.length} interface changes lack approval, a post-launch owner or site-specific validation.`,
  });
}
