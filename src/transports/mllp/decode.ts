/**
 * Decoding a received frame: an ASCII fast path in front of decodeMessage (MSH-18 character
 * sets, src/hl7/charset.ts). Bytes that are all ASCII with no MSH-18 decode to the same text
 * and charset decodeMessage gives (valid UTF-8, read as UTF-8), without its strict UTF-8
 * decoder; anything else goes through decodeMessage unchanged, so non-ASCII text stays right.
 */
import { isAscii } from 'node:buffer';
import { declaredCharset, decodeMessage, type Decoded } from '../../hl7/index.js';

export function decodeFrame(bytes: Buffer): Decoded {
  if (isAscii(bytes) && declaredCharset(bytes) === undefined) {
    return { text: bytes.toString('latin1'), charset: 'utf8' };
  }
  return decodeMessage(bytes);
}
