/**
 * Words for findings, computed from the action and the records: what golive expected to find
 * and what the audit source holds instead, so a missing record reads as evidence ("3 records in
 * that window; nearest AuditEvent/a7, E search-type, names Patient/p2") rather than a verdict.
 */
import type { AuditedAction } from './actions.js';
import { sameUser } from './complete.js';
import { expectedActions, expectedInteractions, interactionFits } from './interactions.js';
import type { AuditRecord } from './records.js';

export function recordName(r: AuditRecord): string {
  return r.id ? `audit record ${r.id}` : 'audit record';
}

export function describeAction(a: AuditedAction): string {
  // A search is named by its type; the summary that follows shows the query.
  const what =
    (a.kind === 'search' ? undefined : a.objects[0]?.replace(/^(ref|ident):/, '')) ??
    a.resourceType ??
    '';
  return `${a.kind}${what ? ` ${what}` : ''} (${a.summary}, ${a.startedAt})`;
}

const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What a record names, in short: its references, identifiers and queries. */
function namesOf(r: AuditRecord): string {
  const named = [...r.keys]
    .filter((k) => !k.startsWith('type:'))
    .map((k) => clip(k.replace(/^(ref|ident):/, '')));
  return named.length ? named.slice(0, 4).join(', ') + (named.length > 4 ? ', …' : '') : 'nothing';
}

/** Why a record near the action is not its record. */
function whyNot(a: AuditedAction, r: AuditRecord): string {
  if (a.patients.length && r.patients.length && !r.patients.some((p) => a.patients.includes(p)))
    return `names patient ${r.patients.join(', ')}, not ${a.patients.join(', ')}`;
  const keys = [...a.objects, ...a.context.filter((k) => !k.startsWith('type:'))];
  if (!keys.some((k) => r.keys.has(k))) return `names ${namesOf(r)}`;
  if (!interactionFits(a, r)) return `records the interaction ${r.subtypes.join(', ')}`;
  return `action ${r.action ?? 'absent'}${r.subtypes.length ? ` (${r.subtypes.join(', ')})` : ''}`;
}

function expectation(a: AuditedAction, windowMs: number): string {
  const what = a.objects.length ? a.objects.map((k) => clip(k.replace(/^(ref|ident):/, ''))) : [];
  const parts = [
    `action ${expectedActions(a).join('/')}`,
    ...(a.kind === 'message' ? [] : [`subtype ${expectedInteractions(a).join('/')}`]),
    ...(what.length ? [`naming ${what.join(' or ')}`] : []),
    ...(a.patients.length ? [`patient ${a.patients.join(', ')}`] : []),
    ...(a.user ? [`by ${a.user}`] : []),
  ];
  return `${parts.join(', ')}, within ${Math.round(windowMs / 1000)} s`;
}

/**
 * The message of an audit.missing finding: the action, what its record would hold, and what the
 * source has in that window that no other action took (count and the nearest, with why it does
 * not fit).
 */
export function missingMessage(
  a: AuditedAction,
  records: readonly AuditRecord[],
  taken: ReadonlySet<AuditRecord>,
  windowMs: number,
): string {
  const near = records
    .filter((r) => !taken.has(r) && r.time !== undefined)
    .map((r) => ({ r, dt: r.time! - a.startMs }))
    .filter(({ r }) => r.time! >= a.startMs - windowMs && r.time! <= a.endMs + windowMs)
    .sort((x, y) => Math.abs(x.dt) - Math.abs(y.dt));
  const head = `no audit record for ${describeAction(a)}: expected ${expectation(a, windowMs)}`;
  if (near.length === 0)
    return `${head}; found no unmatched record in that window (${records.length} record(s) read in all)`;
  const { r, dt } = near[0]!;
  const when = `${Math.abs(dt) >= 1000 ? `${Math.round(Math.abs(dt) / 1000)} s` : `${Math.abs(dt)} ms`} ${dt < 0 ? 'before' : 'after'}`;
  const who = a.user && !sameUser(a, r) && r.users.length ? `, by ${r.users[0]}` : '';
  return `${head}; found ${near.length} unmatched record(s) in that window, the nearest ${recordName(r)} (${when}${who}) ${whyNot(a, r)}`;
}
