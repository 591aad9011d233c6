/**
 * Is a matched record complete? The minimum every audit record must carry, by the elements of
 * FHIR R4 AuditEvent (the FHIR form of the IHE ATNA audit message, RFC 3881): who (agent),
 * what (type, and the object acted on), when (recorded, with a zone), where (source.observer or
 * site, or an agent's network address), outcome and action. Anything IHE BALP adds beyond this
 * minimum is reported by balp.ts without failing the check. Every problem names what was
 * expected and what the record holds.
 */
import type { AuditedAction } from './actions.js';
import { expectedActions } from './interactions.js';
import type { AuditRecord } from './records.js';

export interface AuditMatch {
  action: AuditedAction;
  record: AuditRecord;
  /** Time outside the action's span, ms (0 inside); undefined when the record has no time. */
  skew?: number;
  /** Matched on the object or patient although its action code does not fit. */
  actionMismatch: boolean;
}

export function sameUser(a: AuditedAction, r: AuditRecord): boolean {
  const u = a.user?.toLowerCase();
  return u !== undefined && r.users.some((x) => x.toLowerCase() === u);
}

/** Kinds whose object is one resource the record must name (entity.what). */
const ONE_RESOURCE = new Set(['read', 'create', 'update', 'delete']);

function whatProblems(a: AuditedAction, r: AuditRecord): string[] {
  if (!r.type) return ['what: no event type (AuditEvent.type)'];
  const object = a.objects.find((k) => k.startsWith('ref:'));
  if (!ONE_RESOURCE.has(a.kind) || !object || r.keys.has(object)) return [];
  // Matched through the patient: the record does not say which resource was touched.
  const named = [...r.keys].filter((k) => k.startsWith('ref:') || k.startsWith('ident:'));
  return [
    `what: the record names ${named.length ? named.map((k) => k.replace(/^\w+:/, '')).join(', ') : 'no object'}, not ${object.slice(4)}`,
  ];
}

function outcomeProblems(a: AuditedAction, r: AuditRecord): string[] {
  if (!r.outcome) {
    // R4 AuditEvent.outcome is 0..1 with no meaning when missing: an absent outcome says
    // nothing, so it cannot stand for success.
    const expected =
      a.succeeded === undefined
        ? ''
        : ` (expected ${a.succeeded ? '0' : '4, 8 or 12'} for ${a.answer})`;
    return [`outcome: missing${expected}`];
  }
  if (a.succeeded === true && r.outcome !== '0')
    return [`outcome: recorded "${r.outcome}" (failure) but the target answered ${a.answer}`];
  if (a.succeeded === false && r.outcome === '0')
    return [`outcome: recorded success but the target answered ${a.answer}`];
  return [];
}

/** The elements a matched record lacks, in words (who, what, when, where, outcome, action). */
export function completenessProblems(m: AuditMatch): string[] {
  const { action: a, record: r } = m;
  const p: string[] = [];
  if (r.users.length === 0) p.push('who: no agent identity (agent.who, altId or name)');
  else if (a.user && !sameUser(a, r))
    p.push(`who: recorded ${r.users.map((u) => `"${u}"`).join(', ')}, expected "${a.user}"`);
  p.push(...whatProblems(a, r));
  if (r.time === undefined) p.push('when: no recorded time');
  else if (!r.hasZone) p.push(`when: "${r.recorded}" has no zone offset`);
  if (!r.source && r.networks.length === 0)
    p.push('where: no source.observer, source.site or agent.network address');
  p.push(...outcomeProblems(a, r));
  if (!r.action) p.push(`action: missing (expected ${expectedActions(a).join(' or ')})`);
  else if (m.actionMismatch)
    p.push(
      `action: recorded "${r.action}"${r.subtypes.length ? ` (${r.subtypes.join(', ')})` : ''}, expected ${expectedActions(a).join(' or ')} for a ${a.kind}`,
    );
  return p;
}
