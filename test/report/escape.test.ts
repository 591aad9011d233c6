import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeMarkdown,
  escapeXml,
  jsonForScript,
  rawToHtml,
  scriptSafe,
  terminalSafe,
} from '../../src/report/escape.js';

describe('escaping', () => {
  it('HTML: markup, quotes and backticks; control characters dropped', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>\`&\u0000\u001b`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&#96;&amp;',
    );
    expect(escapeHtml(undefined)).toBe('');
  });

  it('raw evidence: segment terminators become lines, framing bytes are named', () => {
    expect(rawToHtml('\u000bMSH|^~\\&|A\rPID|1\r\n<x>\u001c\r')).toBe(
      '<span class="ctl">VT</span>MSH|^~\\&amp;|A\nPID|1\n&lt;x&gt;<span class="ctl">FS</span>\n',
    );
  });

  it('XML: only XML 1.0 characters, whitespace kept as references', () => {
    expect(escapeXml('a<b>&"\'\t\n\r\u0001\uFFFE\uD800z\u{1F600}')).toBe(
      'a&lt;b&gt;&amp;&quot;&apos;&#9;&#10;&#13;z\u{1F600}',
    );
  });

  it('JSON for a script element cannot close it', () => {
    const s = jsonForScript({ a: '</script><!--\u2028' });
    expect(s).not.toMatch(/<|>|\u2028/);
    expect(JSON.parse(s)).toEqual({ a: '</script><!--\u2028' });
  });

  it('script text cannot close its element', () => {
    const js = scriptSafe('var a = "</SCRIPT><script><!--";');
    expect(js).not.toMatch(/<\/script|<script|<!--/i);
    // still the same string in JavaScript
    expect(new Function(`${js}; return a;`)()).toBe('</SCRIPT><script><!--');
  });

  it('Markdown: punctuation that starts markup is escaped, one line', () => {
    expect(escapeMarkdown('*a* _b_ [c](d) <e> | `f`\n#g')).toBe(
      '\\*a\\* \\_b\\_ \\[c\\]\\(d\\) \\<e\\> \\| \\`f\\` \\#g',
    );
  });

  it('terminal: no escape sequences, one line', () => {
    expect(terminalSafe('a\u001b[31mb\u009bc\nd')).toBe('a[31mbc d');
  });
});
