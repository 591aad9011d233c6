/**
 * Which AuditEvent action and subtype codes record which kind of action. The R4 code systems
 * (audit-event-action, restful-interaction) leave room: a search is E per the R4 AuditEvent
 * page and IHE BALP, R is common; an update that created the resource may be audited as a
 * create. These are what a record must fit to be an action's record at all; balp.ts says which
 * single code the BALP pattern expects.
 */
import type { ActionKind, AuditedAction } from './actions.js';
import type { AuditRecord } from './records.js';

/** AuditEvent.action codes acceptable for each kind (R4 audit-event-action). */
const ACTIONS: Record<ActionKind, string[]> = {
  read: ['R'],
  search: ['E', 'R'],
  create: ['C'],
  update: ['U'],
  delete: ['D'],
  operation: ['E', 'R'],
  message: ['C', 'U', 'E'],
};

/** restful-interaction subtype codes acceptable for each kind (R4 valueset restful-interaction). */
export const INTERACTIONS: Record<ActionKind, string[]> = {
  read: ['read', 'vread'],
  search: ['search', 'search-type', 'search-system', 'search-compartment'],
  create: ['create'],
  update: ['update', 'patch'],
  delete: ['delete'],
  operation: ['operation'],
  message: ['create', 'update'],
};

const RESTFUL = new Set(
  Object.values(INTERACTIONS)
    .flat()
    .concat([
      'history',
      'history-instance',
      'history-type',
      'history-system',
      'capabilities',
      'transaction',
      'batch',
    ]),
);

/** The record's subtype that is a FHIR restful-interaction code, if any. */
export function interactionOf(r: AuditRecord): string | undefined {
  return r.subtypes.find((s) => RESTFUL.has(s));
}

/** An update answered 201 created the resource (R4 http.html#update, "update as create"). */
export const createdByUpdate = (a: AuditedAction) => a.kind === 'update' && a.answer === 'HTTP 201';

/** The AuditEvent.action codes that fit the action: an update that created may be audited C. */
export function expectedActions(a: AuditedAction): string[] {
  return createdByUpdate(a) ? ['U', 'C'] : ACTIONS[a.kind];
}

/** The restful-interaction codes that fit the action. */
export function expectedInteractions(a: AuditedAction): string[] {
  return createdByUpdate(a) ? [...INTERACTIONS.update, 'create'] : INTERACTIONS[a.kind];
}

function codeFits(a: AuditedAction, r: AuditRecord): boolean {
  return !r.action || expectedActions(a).includes(r.action);
}

/** A record whose subtype names another FHIR interaction is the record of that interaction. */
export function interactionFits(a: AuditedAction, r: AuditRecord): boolean {
  const interaction = interactionOf(r);
  return !interaction || expectedInteractions(a).includes(interaction);
}

export function actionFits(a: AuditedAction, r: AuditRecord): boolean {
  return codeFits(a, r) && interactionFits(a, r);
}
