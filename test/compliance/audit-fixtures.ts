/** Builders for audit tests: exchanges as golive keeps them and AuditEvents as a server writes them. */
import type { Exchange } from '../../src/core/evidence.js';

export const BASE = 'http://127.0.0.1:8080/fhir';

export function httpExchange(
  id: string,
  method: string,
  path: string,
  startedAt: string,
  opts: {
    status?: number;
    user?: string;
    body?: unknown;
    responseHeaders?: string;
    auth?: string;
  } = {},
): Exchange {
  const headers = [`Host: 127.0.0.1:8080`];
  if (opts.user !== undefined) headers.push(`X-Golive-User: ${opts.user}`);
  if (opts.auth) headers.push(`Authorization: ${opts.auth}`);
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const status = opts.status ?? 200;
  return {
    id,
    protocol: 'http',
    direction: 'outbound',
    peer: BASE,
    startedAt,
    durationMs: 20,
    request: `${method} ${BASE}/${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`,
    response: `HTTP/1.1 ${status} X\r\n${opts.responseHeaders ?? ''}\r\n`,
    summary: `${method} ${path}`,
  };
}

export function mllpExchange(
  id: string,
  controlId: string,
  startedAt: string,
  ack = 'AA',
): Exchange {
  return {
    id,
    protocol: 'mllp',
    direction: 'outbound',
    peer: '127.0.0.1:2575',
    startedAt,
    durationMs: 30,
    request: `MSH|^~\\&|GOLIVE-LAB|RGH|EHR|RGH|20260227091200||ORU^R01^ORU_R01|${controlId}|P|2.5.1\rPID|1||MRN1^^^RGH^MR||Test^Pat\rOBX|1|NM|2823-3^K^LN||4.1|mmol/L\r`,
    response: `MSH|^~\\&|EHR|RGH|GOLIVE-LAB|RGH|20260227091201||ACK|A${controlId}|P|2.5.1\rMSA|${ack}|${controlId}\r`,
    summary: `ORU^R01 MSH-10=${controlId}`,
  };
}

export interface EventOpts {
  action?: string;
  subtype?: string;
  who?: string;
  observer?: string | null;
  outcome?: string;
  entities?: unknown[];
  type?: string | null;
}

export function auditEvent(
  id: string,
  recorded: string,
  refs: string[],
  o: EventOpts = {},
): Record<string, unknown> {
  const ev: Record<string, unknown> = {
    resourceType: 'AuditEvent',
    id,
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    subtype: o.subtype
      ? [{ system: 'http://hl7.org/fhir/restful-interaction', code: o.subtype }]
      : [],
    action: o.action ?? 'R',
    recorded,
    outcome: o.outcome ?? '0',
    agent: [{ who: { identifier: { value: o.who ?? 'golive-runner' } }, requestor: true }],
    source: { observer: { display: o.observer ?? 'Riverside EHR' } },
    entity: o.entities ?? refs.map((r) => ({ what: { reference: r } })),
  };
  if (o.observer === null) delete ev.source;
  if (o.type === null) delete ev.type;
  return ev;
}
