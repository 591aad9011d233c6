/**
 * Escaping for every output format. Everything that came from a system under test
 * (message text, identifiers, error strings) is treated as hostile.
 */

/** C0/C1 controls except TAB, LF, CR; also DEL. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Remove control characters that no report format can carry safely (keeps \t \n \r). */
export function stripControl(s: string): string {
  return s.replace(CONTROL, '');
}

const C0_NAMES =
  'NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'.split(
    ' ',
  );

/** ASCII name of a control character (`VT`, `FS`, `DEL`), or its code for C1 controls. */
export function controlName(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x7f) return 'DEL';
  return C0_NAMES[code] ?? `0x${code.toString(16).toUpperCase()}`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escape for HTML text and (double- or single-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  const s = stripControl(String(value ?? ''));
  return s.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Raw HL7/HTTP evidence as HTML for a `<pre>`: escaped, CR (the HL7 segment terminator,
 * HL7 v2 ch. 2.5.4) and CRLF as line breaks, other controls (MLLP framing VT 0x0B and FS 0x1C)
 * shown as named marks instead of disappearing.
 */
export function rawToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/([\u0000-\u0008\u000B-\u001F\u007F-\u009F])/)
    .map((part, i) =>
      i % 2 === 1 ? `<span class="ctl">${controlName(part)}</span>` : escapeHtml(part),
    )
    .join('');
}

/**
 * Characters XML 1.0 allows (section 2.2, production [2]); anything else is dropped,
 * including lone surrogates.
 */
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape for XML text and attribute values; whitespace controls are kept as character references. */
export function escapeXml(value: unknown): string {
  return String(value ?? '')
    .replace(XML_INVALID, '')
    .replace(/[&<>"'\t\n\r]/g, (c) => {
      switch (c) {
        case '&':
          return '&amp;';
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '"':
          return '&quot;';
        case "'":
          return '&apos;';
        default:
          // Attribute-value normalisation (XML 1.0 section 3.3.3) would turn raw
          // whitespace into spaces; character references survive it.
          return `&#${c.charCodeAt(0)};`;
      }
    });
}

/** Escape text for XML element content where newlines should stay readable. */
export function escapeXmlText(value: unknown): string {
  return escapeXml(value).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

/**
 * JSON to embed in an HTML `<script type="application/json">` element: `<`, `>` and `&`
 * become \u escapes so no `</script` or `<!--` can appear; U+2028/2029 too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Make JavaScript source safe inside an inline `<script>` element (HTML Living Standard,
 * "Restrictions for contents of script elements"): no `</script`, no `<!--`, no `<script`.
 * The replacements are inside string/regex/comment context in practice and keep their meaning.
 */
export function scriptSafe(js: string): string {
  return js
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '\\x3C!--')
    .replace(/<(script)/gi, '\\x3C$1');
}

/**
 * Inline Markdown text (CommonMark/GFM): one line, punctuation that could start markup
 * backslash-escaped, so hostile text renders literally (no raw HTML, links or tables broken).
 */
export function escapeMarkdown(value: unknown): string {
  return stripControl(String(value ?? ''))
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]<>()#+!|~&]/g, (c) => `\\${c}`);
}

/** Plain text for a terminal: no escape sequences from hostile data (ANSI injection). */
export function terminalSafe(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
    .replace(/\s*\n\s*/g, ' ');
}
