/**
 * A message received by the MLLP listener: raw bytes, text decoded by MSH-18, and the parsed
 * message worked out on first read (docs/decisions/010-mllp-hot-path.md), so a listener that
 * only acknowledges never parses the whole message.
 */
import { UserError, isUserError } from '../../core/index.js';
import { Hl7Message, ackHeaderOf, readAckHeader, type AckHeader } from '../../hl7/index.js';
import { decodeFrame } from './decode.js';

export interface IncomingMessage {
  bytes: Buffer;
  text: string;
  charset: string;
  /** Set when the charset did not fit (text decoded as Latin-1, nothing replaced). */
  charsetProblem?: string;
  message?: Hl7Message;
  parseError?: UserError;
  remote: string;
  connectionId: number;
  /** 1-based sequence of the message on its connection. */
  seq: number;
  receivedAt: number;
}

/**
 * A received message. `message` and `parseError` are worked out on first read: a listener
 * that only acknowledges never parses the whole message.
 */
export class Received implements IncomingMessage {
  readonly text: string;
  readonly charset: string;
  readonly charsetProblem?: string;
  private parsed = false;
  private parsedMessage: Hl7Message | undefined;
  private error: UserError | undefined;
  /** The ACK fields, from the header alone (null: the header needs the full parse). */
  private header: AckHeader | null | undefined;

  constructor(
    readonly bytes: Buffer,
    readonly remote: string,
    readonly connectionId: number,
    readonly seq: number,
    readonly receivedAt: number,
  ) {
    const decoded = decodeFrame(bytes);
    this.text = decoded.text;
    this.charset = decoded.charset;
    if (decoded.problem !== undefined) this.charsetProblem = decoded.problem;
  }

  get message(): Hl7Message | undefined {
    this.parse();
    return this.parsedMessage;
  }

  set message(m: Hl7Message | undefined) {
    this.parsed = true;
    this.parsedMessage = m;
  }

  get parseError(): UserError | undefined {
    this.parse();
    return this.error;
  }

  set parseError(e: UserError | undefined) {
    this.parsed = true;
    this.error = e;
  }

  /**
   * What an ACK echoes from this message; undefined when it cannot be parsed. Read from the
   * header alone unless the message was parsed already and failed (a header can be readable
   * while the rest passes a parse cap, decision 013): then undefined, so the answer is AR.
   */
  ackHeader(): AckHeader | undefined {
    if (this.parsed && this.error) return undefined;
    if (this.header === undefined) {
      this.header = readAckHeader(this.text) ?? null;
    }
    if (this.header) return this.header;
    const m = this.message;
    return m ? ackHeaderOf(m) : undefined;
  }

  private parse(): void {
    if (this.parsed) return;
    this.parsed = true;
    try {
      this.parsedMessage = Hl7Message.parse(this.text);
    } catch (e) {
      this.error = isUserError(e) ? e : new UserError('E_HL7_PARSE', String(e));
    }
  }
}
