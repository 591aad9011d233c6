/**
 * Checks on resources clients create or update (R4: the required elements and required-binding
 * codes of the types the site accepts). Returns an OperationOutcome issue or undefined.
 */
import type { Resource } from '../fhir/index.js';

export const WRITABLE = new Set(['Device', 'Procedure', 'Observation', 'Communication', 'List']);

/** R4 event-status (Procedure.status, Communication.status). */
const EVENT_STATUS = [
  'preparation',
  'in-progress',
  'not-done',
  'on-hold',
  'stopped',
  'completed',
  'entered-in-error',
  'unknown',
];

const STATUS: Record<string, string[]> = {
  Observation: [
    'registered',
    'preliminary',
    'final',
    'amended',
    'corrected',
    'cancelled',
    'entered-in-error',
    'unknown',
  ],
  Procedure: EVENT_STATUS,
  Device: ['active', 'inactive', 'entered-in-error', 'unknown'],
  Communication: EVENT_STATUS,
  List: ['current', 'retired', 'entered-in-error'],
};

const REQUIRED: Record<string, string[]> = {
  Observation: ['status', 'code'],
  Procedure: ['status', 'subject'],
  Device: [],
  Communication: ['status'],
  List: ['status', 'mode'],
};

export const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

export interface Invalid {
  status: number;
  code: string;
  message: string;
  expression?: string;
}

export function checkResource(type: string, body: unknown, urlId?: string): Invalid | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { status: 400, code: 'structure', message: 'the body is not a JSON object' };
  const r = body as Resource;
  if (r.resourceType !== type)
    return {
      status: 400,
      code: 'invalid',
      message: `resourceType "${String(r.resourceType)}" does not match the URL (${type})`,
      expression: 'resourceType',
    };
  if (urlId !== undefined && r.id !== undefined && r.id !== urlId)
    return {
      status: 400,
      code: 'invalid',
      message: `id "${r.id}" in the body does not match the URL id "${urlId}"`,
      expression: `${type}.id`,
    };
  if (r.id !== undefined && (typeof r.id !== 'string' || !ID_RE.test(r.id)))
    return {
      status: 400,
      code: 'invalid',
      message: 'id must be 1-64 characters [A-Za-z0-9-.]',
      expression: `${type}.id`,
    };
  for (const el of REQUIRED[type] ?? []) {
    if (r[el] === undefined || r[el] === null || r[el] === '')
      return {
        status: 422,
        code: 'required',
        message: `${type}.${el} is required`,
        expression: `${type}.${el}`,
      };
  }
  const status = r.status;
  if (status !== undefined && !(STATUS[type] ?? []).includes(status as string))
    return {
      status: 422,
      code: 'code-invalid',
      message: `${type}.status "${String(status)}" is not a valid code`,
      expression: `${type}.status`,
    };
  if (type === 'List' && !['working', 'snapshot', 'changes'].includes(r.mode as string))
    return {
      status: 422,
      code: 'code-invalid',
      message: `List.mode "${String(r.mode)}" is not a valid code`,
      expression: 'List.mode',
    };
  return undefined;
}
