/**
 * Decoding message bytes by MSH-18 character set (v2.5.1 table 0211), with iconv-lite for the
 * single- and multi-byte sets. Characters are never silently replaced: bytes that are not valid
 * in the declared set are reported, and the message is decoded byte-for-character (Latin-1)
 * so nothing is lost and the problem is visible.
 * With no MSH-18, valid UTF-8 is read as UTF-8 (modern senders), anything else as Latin-1
 * (the usual single-byte default of HL7 v2 interfaces).
 */
import iconv from 'iconv-lite';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');
const NON_ASCII = /[^\x00-\x7f]/;

/** HL7 table 0211 names to iconv-lite encodings. */
const TABLE_0211: Record<string, string> = {
  ASCII: 'ascii',
  '8859/1': 'latin1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  'UNICODE UTF-8': 'utf8',
  'UTF-8': 'utf8',
  'UNICODE UTF-16': 'utf16le',
  'UNICODE UTF-32': 'utf32le',
  'GB 18030-2000': 'gb18030',
  'KS X 1001': 'euc-kr',
  'CNS 11643-1992': 'big5',
  'BIG-5': 'big5',
  'ISO IR87': 'euc-jp',
  'ISO IR159': 'euc-jp',
};

export interface Decoded {
  text: string;
  /** The character set used. */
  charset: string;
  /** MSH-18 as written, if any. */
  declared?: string;
  /** Set when the bytes did not fit the declared set (text then decoded as Latin-1). */
  problem?: string;
}

/** Read MSH-18 from the raw bytes (the MSH segment is ASCII in every supported set). */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  let s = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) s = 3;
  if (bytes[s] !== 77 || bytes[s + 1] !== 83 || bytes[s + 2] !== 72) return undefined;
  const sep = bytes[s + 3];
  const comp = bytes[s + 4];
  if (sep === undefined) return undefined;
  // MSH-18 follows the 17th field separator (MSH-1 is the separator itself).
  let count = 0;
  let i = s + 3;
  const limit = Math.min(bytes.length, s + 4096);
  for (; i < limit; i++) {
    const b = bytes[i]!;
    if (b === 13 || b === 10) return undefined;
    if (b === sep && ++count === 17) break;
  }
  if (count < 17) return undefined;
  let j = i + 1;
  while (j < limit && bytes[j] !== sep && bytes[j] !== comp && bytes[j] !== 13 && bytes[j] !== 10)
    j++;
  const v = latin1.decode(bytes.subarray(i + 1, j)).trim();
  return v ? v : undefined;
}

export function decodeMessage(bytes: Uint8Array): Decoded {
  const declared = declaredCharset(bytes);
  if (!declared) {
    try {
      return { text: utf8.decode(bytes), charset: 'utf8' };
    } catch {
      return { text: latin1.decode(bytes), charset: 'latin1' };
    }
  }
  const enc = TABLE_0211[declared.toUpperCase()];
  if (!enc) {
    return {
      text: latin1.decode(bytes),
      charset: 'latin1',
      declared,
      problem: `MSH-18 "${declared}" is not a character set golive knows (HL7 table 0211); read as Latin-1`,
    };
  }
  if (enc === 'utf8') {
    try {
      return { text: utf8.decode(bytes), charset: 'utf8', declared };
    } catch {
      return {
        text: latin1.decode(bytes),
        charset: 'latin1',
        declared,
        problem: `MSH-18 declares ${declared} but the bytes are not valid UTF-8; read as Latin-1 so nothing is lost`,
      };
    }
  }
  if (enc === 'ascii') {
    // ASCII is a subset of UTF-8: decode natively, then look for anything above 0x7F.
    let text: string | undefined;
    try {
      text = utf8.decode(bytes);
    } catch {
      text = undefined;
    }
    if (text !== undefined && !NON_ASCII.test(text)) return { text, charset: 'ascii', declared };
    let high = 0;
    while (high < bytes.length && bytes[high]! < 128) high++;
    return {
      text: latin1.decode(bytes),
      charset: 'latin1',
      declared,
      problem: `MSH-18 declares ASCII but byte ${high} is 0x${(bytes[high] ?? 0).toString(16)}; read as Latin-1`,
    };
  }
  const text = iconv.decode(bytes as Buffer, enc);
  if (text.includes('\uFFFD')) {
    return {
      text: latin1.decode(bytes),
      charset: 'latin1',
      declared,
      problem: `bytes not valid in ${declared}; read as Latin-1 so nothing is lost`,
    };
  }
  return { text, charset: enc, declared };
}

/** Encode text for sending in the set MSH-18 declares (UTF-8 when none). */
export function encodeMessage(text: string): Uint8Array {
  const head = text.slice(0, text.search(/[\r\n]|$/));
  const fields = head.split(head[3] ?? '|');
  const declared = fields[17]?.split(head[4] ?? '^')[0]?.trim();
  const enc = declared ? TABLE_0211[declared.toUpperCase()] : undefined;
  if (!enc || enc === 'utf8') return new TextEncoder().encode(text);
  if (enc === 'ascii') return iconv.encode(text, 'latin1');
  return iconv.encode(text, enc);
}
