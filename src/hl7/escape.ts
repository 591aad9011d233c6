/**
 * HL7 v2 escape sequences (v2.5.1 chapter 2, section 2.7 "Use of escape sequences in text fields").
 * \F\ field, \S\ component, \T\ subcomponent, \R\ repetition, \E\ escape, \Xhh..\ hex data.
 * Formatting escapes (\H\ \N\ \.br\ \.sp\ \Cxxyy\ \Mxxyyzz\ \Zxx\ ...) are kept intact:
 * they are display instructions, not characters.
 */
import type { Delimiters } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeHex(hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  try {
    return utf8.decode(bytes);
  } catch {
    // Not UTF-8: one byte per character (ISO 8859-1), the HL7 default single-byte reading.
    return String.fromCharCode(...bytes);
  }
}

/** Resolve escape sequences in an encoded value. Unknown or malformed escapes are kept as written. */
export function unescapeValue(value: string, d: Delimiters): string {
  const esc = d.escape;
  if (!esc || value.indexOf(esc) === -1) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(esc, i);
    if (start === -1) {
      out += value.slice(i);
      break;
    }
    const end = value.indexOf(esc, start + 1);
    if (end === -1) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const body = value.slice(start + 1, end);
    switch (body) {
      case 'F':
        out += d.field;
        break;
      case 'S':
        out += d.component;
        break;
      case 'T':
        out += d.subcomponent;
        break;
      case 'R':
        out += d.repetition;
        break;
      case 'E':
        out += esc;
        break;
      default: {
        const hex = body.startsWith('X') ? decodeHex(body.slice(1)) : undefined;
        // Formatting escapes and anything unknown stay exactly as written.
        out += hex ?? esc + body + esc;
      }
    }
    i = end + 1;
  }
  return out;
}

/** Encode a plain value so it can be placed in a field without breaking the message. */
export function escapeValue(value: string, d: Delimiters): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r') out += `${d.escape}X0D${d.escape}`;
    else if (ch === '\n') out += `${d.escape}X0A${d.escape}`;
    else out += ch;
  }
  return out;
}
