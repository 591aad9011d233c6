/**
 * Messages the site sends downstream (docs/site.md, MLLP outbound): forwarded results and
 * critical-value notifications, both ORU^R01 (v2.5.1 chapter 7.3.1).
 */
import { Hl7Message, formatDtm } from '../hl7/index.js';
import type { Patient, ServiceRequest } from '../fhir/index.js';
import { currentMrn } from './context.js';
import { valueOf, type SiteProfile } from './profile.js';

export const FORWARD_APP = 'DOWNSTREAM-EHR';
export const NOTIFY_APP = 'CRITICAL-NOTIFY';

interface Header {
  app: string;
  facility: string;
  to: string;
  now: number;
  offsetMinutes: number;
  controlId: string;
  /** How the site's identifiers read (PID-3 and OBR-2/3 come from them). */
  rules: SiteProfile;
}

function header(msg: Hl7Message, h: Header): void {
  msg.set('MSH-3', h.app);
  msg.set('MSH-4', h.facility);
  msg.set('MSH-5', h.to);
  msg.set('MSH-6', h.facility);
  msg.set('MSH-7', formatDtm(h.now, h.offsetMinutes));
  msg.set('MSH-10', h.controlId);
  // Original acknowledgement mode downstream (2.9.2): one ACK per message.
  msg.set('MSH-15', '');
  msg.set('MSH-16', '');
}

function setPid(msg: Hl7Message, p: Patient | undefined, rules: SiteProfile): void {
  const mrn = p ? currentMrn(p, rules) : undefined;
  if (!mrn) return;
  if (!msg.segment('PID')) return;
  msg.set('PID-3', '');
  msg.set('PID-3.1', mrn.value);
  if (mrn.authority) msg.set('PID-3.4', mrn.authority);
  msg.set('PID-3.5', 'MR');
}

/** The filed (mapped) result, re-addressed, with PID-3 the patient's current MRN. */
export function forwardedResult(
  filed: Hl7Message,
  patient: Patient | undefined,
  h: Header,
): string {
  const msg = filed.clone();
  header(msg, h);
  setPid(msg, patient, h.rules);
  return msg.toCanonical();
}

export function criticalMessage(
  input: {
    patient: Patient | undefined;
    order: ServiceRequest | undefined;
    obxSegments: string[];
    text: string;
  },
  h: Header,
): string {
  const msg = Hl7Message.parse('MSH|^~\\&|||||||ORU^R01^ORU_R01||P|2.5.1\r');
  header(msg, h);
  const p = input.patient;
  msg.addSegment(['PID', '1']);
  setPid(msg, p, h.rules);
  if (p?.name?.[0]?.family) msg.set('PID-5.1', p.name[0].family);
  if (p?.name?.[0]?.given?.[0]) msg.set('PID-5.2', p.name[0].given[0]);
  msg.addSegment(['OBR', '1']);
  const ids = input.order?.identifier ?? [];
  const placer = valueOf(h.rules, ids, 'PLAC');
  const filler = valueOf(h.rules, ids, 'FILL');
  if (placer) msg.set('OBR-2', placer);
  if (filler) msg.set('OBR-3', filler);
  const code = input.order?.code?.coding?.[0];
  if (code?.code) msg.set('OBR-4.1', code.code);
  if (code?.display) msg.set('OBR-4.2', code.display);
  for (const s of input.obxSegments) msg.addSegment(s.split('|'));
  msg.addSegment(['NTE', '1', '', msg.escape(input.text)]);
  return msg.toCanonical();
}
