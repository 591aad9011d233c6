/**
 * Acknowledgements (v2.5.1 section 2.9 message processing rules, MSA and ERR segments).
 * Original mode: AA accept, AE error, AR reject. Enhanced mode: CA/CE/CR commit (accept)
 * acknowledgements, followed by an application acknowledgement (AA/AE/AR).
 */
import { Hl7Message } from './message.js';
import { escapeValue } from './escape.js';
import type { Delimiters } from './types.js';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

export const ACK_CODES: readonly AckCode[] = ['AA', 'AE', 'AR', 'CA', 'CE', 'CR'];

export interface AckError {
  /** Error location as a field path (PID-3, OBR[1]-2), placed in ERR-2 (ERL). */
  location?: string;
  /** HL7 table 0357 code: 100 segment sequence, 101 required field missing, 102 data type,
   * 103 table value not found, 200 unsupported message type, 201 unsupported event,
   * 203 unsupported version, 204 unknown key identifier, 205 duplicate key, 206 application
   * record locked, 207 application internal error. */
  code: string;
  /** ERR-4 severity (table 0516): E error, W warning, I information. */
  severity?: 'E' | 'W' | 'I';
  /** ERR-8 user message: why, in words. */
  message: string;
}

const ERROR_TEXT: Record<string, string> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

export interface AckOptions {
  code: AckCode;
  /** MSH-10 of the acknowledgement itself (injected id generator). */
  controlId: string;
  /** MSH-7 of the acknowledgement (injected clock), as a DTM string. */
  timestamp: string;
  /** MSA-3 text message (optional; ERR is the structured carrier). */
  text?: string;
  errors?: AckError[];
}

/**
 * Build the acknowledgement of `msg`. When `msg` could not be parsed, pass the raw fields you
 * could recover with `buildAckFrom` instead.
 */
export function buildAck(msg: Hl7Message, opts: AckOptions): Hl7Message {
  return buildAckFrom(ackHeaderOf(msg), opts);
}

/** The fields of `msg` an acknowledgement echoes (MSH-3/4 and MSH-5/6 swapped, v2.5.1 2.9). */
export function ackHeaderOf(msg: Hl7Message): AckHeader {
  return {
    sendingApp: msg.getRaw('MSH-5') ?? '',
    sendingFacility: msg.getRaw('MSH-6') ?? '',
    receivingApp: msg.getRaw('MSH-3') ?? '',
    receivingFacility: msg.getRaw('MSH-4') ?? '',
    trigger: msg.getRaw('MSH-9.2') ?? '',
    processingId: msg.getRaw('MSH-11') ?? 'P',
    version: msg.getRaw('MSH-12') ?? '2.5.1',
    originalControlId: msg.getRaw('MSH-10') ?? '',
    delimiters: msg.getRaw('MSH-2') ?? '^~\\&',
    field: msg.delimiters.field,
  };
}

export interface AckHeader {
  sendingApp: string;
  sendingFacility: string;
  receivingApp: string;
  receivingFacility: string;
  trigger: string;
  processingId: string;
  version: string;
  /** MSA-2: the MSH-10 being acknowledged (empty when it could not be read). */
  originalControlId: string;
  delimiters?: string;
  field?: string;
}

export function buildAckFrom(h: AckHeader, opts: AckOptions): Hl7Message {
  const msg = Hl7Message.parse(`${ackMshLine(h, opts)}\r`);
  for (const seg of ackSegments(h, opts, msg.delimiters)) msg.addSegment(seg);
  return msg;
}

/** The MSH line of the acknowledgement (no terminator). Shared with `formatAck`. */
export function ackMshLine(h: AckHeader, opts: AckOptions): string {
  const enc = h.delimiters ?? '^~\\&';
  return [
    'MSH',
    enc,
    h.sendingApp,
    h.sendingFacility,
    h.receivingApp,
    h.receivingFacility,
    opts.timestamp,
    '',
    `ACK${enc[0]}${h.trigger}${enc[0]}ACK`,
    opts.controlId,
    h.processingId,
    h.version,
  ].join(h.field ?? '|');
}

/**
 * MSA and ERR segments (already-encoded fields, index 0 the segment id), for the delimiters
 * the acknowledgement's own MSH declares. Shared with `formatAck`, so both give the same bytes.
 */
export function ackSegments(h: AckHeader, opts: AckOptions, d: Delimiters): string[][] {
  const msa = ['MSA', opts.code, h.originalControlId];
  if (opts.text) msa.push(escapeValue(opts.text, d));
  const out = [msa];
  for (const e of opts.errors ?? []) {
    const erl = e.location ? locationToErl(e.location, d.component) : '';
    const codeText = ERROR_TEXT[e.code] ?? 'Error';
    out.push([
      'ERR',
      '',
      erl,
      [e.code, escapeValue(codeText, d), 'HL70357'].join(d.component),
      e.severity ?? 'E',
      '',
      '',
      '',
      escapeValue(e.message, d),
    ]);
  }
  return out;
}

/** ERL data type: segment id ^ sequence ^ field ^ repetition ^ component ^ subcomponent. */
function locationToErl(path: string, comp: string): string {
  const m =
    /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+))?(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?$/.exec(
      path,
    );
  if (!m) return '';
  return [m[1], m[2] ?? '1', m[3] ?? '', m[4] ?? (m[3] ? '1' : ''), m[5] ?? '', m[6] ?? '']
    .join(comp)
    .replace(new RegExp(`\\${comp}+$`), '');
}

export interface ParsedAck {
  code?: string;
  /** MSA-2: which message this acknowledges. */
  ackedControlId?: string;
  text?: string;
  errors: { location?: string; code?: string; severity?: string; message?: string }[];
  /** True when MSA-1 is one of the table 0008 codes. */
  valid: boolean;
}

/** Read an acknowledgement. A message without a valid MSA is reported as invalid, never as AA. */
export function parseAck(msg: Hl7Message): ParsedAck {
  const code = msg.get('MSA-1');
  const errors = msg.all('ERR').map((_, i) => {
    const e = `ERR[${i + 1}]`;
    const loc = [msg.get(`${e}-2.1`), msg.get(`${e}-2.3`)].filter(Boolean);
    return {
      location: loc.length === 2 ? `${loc[0]}-${loc[1]}` : loc[0],
      code: msg.get(`${e}-3.1`),
      severity: msg.get(`${e}-4`),
      message: msg.get(`${e}-8`) ?? msg.get(`${e}-3.2`),
    };
  });
  return {
    code,
    ackedControlId: msg.get('MSA-2'),
    text: msg.get('MSA-3'),
    errors,
    valid: code !== undefined && (ACK_CODES as readonly string[]).includes(code),
  };
}
