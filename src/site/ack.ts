/**
 * The site's acknowledgements: original mode (one ACK) and enhanced mode (commit ACK, then
 * application ACK) by MSH-15/16 (v2.5.1 section 2.9.2 and 2.9.3, tables 0155 and 0008).
 */
import { buildAck, formatDtm, type AckError, type Hl7Message } from '../hl7/index.js';

export interface Outcome {
  code: 'AA' | 'AE' | 'AR';
  errors: AckError[];
}

/**
 * How the duplicate-detection entry keeps several ACKs as one text (docs/decisions/005): the
 * bytes between two MLLP frames (end block, CR, start block), which no ACK text contains. Entries
 * written when the handler still joined the frames itself read back the same way.
 */
export const FRAME_JOIN = '\x1c\r\x0b';

/** The ACKs to keep for replaying to a duplicate, as one text. */
export function storedAcks(acks: string[]): string {
  return acks.join(FRAME_JOIN);
}

/** The ACKs kept by `storedAcks`, one per MLLP frame again. */
export function replayedAcks(stored: string): string[] {
  return stored.split(FRAME_JOIN);
}

function wants(condition: string | undefined, ok: boolean): boolean {
  // Table 0155: AL always, NE never, ER only on error, SU only on success; empty means AL.
  switch (condition ?? 'AL') {
    case 'NE':
      return false;
    case 'ER':
      return !ok;
    case 'SU':
      return ok;
    default:
      return true;
  }
}

/**
 * The site's answer to one message, one string per MLLP frame: the ACK (original mode), or the
 * commit ACK then the application ACK (enhanced mode); the listener frames each and writes
 * them together. `controlId` gives each ACK its MSH-10 (the site counts its own: no state is
 * shared between sites in one process).
 */
export function buildAcks(
  msg: Hl7Message,
  outcome: Outcome,
  now: number,
  offsetMinutes: number,
  controlId: () => string,
): string[] {
  const one = (code: 'AA' | 'AE' | 'AR' | 'CA' | 'CR', errors: AckError[]) =>
    buildAck(msg, {
      code,
      controlId: controlId(),
      timestamp: formatDtm(now, offsetMinutes),
      errors,
    }).toString();
  const accept = msg.get('MSH-15');
  const app = msg.get('MSH-16');
  if (accept === undefined && app === undefined) return [one(outcome.code, outcome.errors)];
  // Enhanced mode. AR here is a refusal of MSH-9/MSH-12: a commit-level reject (2.9.3.1).
  const commit = outcome.code === 'AR' ? 'CR' : 'CA';
  const frames: string[] = [];
  if (wants(accept, commit === 'CA'))
    frames.push(one(commit, commit === 'CR' ? outcome.errors : []));
  if (commit === 'CA' && wants(app, outcome.code === 'AA'))
    frames.push(one(outcome.code, outcome.errors));
  if (frames.length === 0) frames.push(one(commit, commit === 'CR' ? outcome.errors : []));
  return frames;
}
