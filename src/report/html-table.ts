/**
 * The report's data tables. On a desk they are ordinary tables with planned column widths; below
 * ~700 px (a phone) the stylesheet turns each row into a stacked card, and every cell shows its
 * column name from `data-label` (a fixed-layout table squeezed into 390 px leaves one character
 * per column). So every cell must carry its column's label: build them with `cell()`.
 */
import { escapeHtml as e } from './escape.js';

export interface Col {
  label: string;
  /** A CSS width for the desk layout (`124px`, `25%`); none = the remaining space. */
  width?: string;
  /** Cell class: `num` (right-aligned figures), `text` (free text, may break anywhere), `nowrap`. */
  cls?: string;
}

/** One cell of a column; `attrs` are extra attributes (already escaped), e.g. ` colspan="6"`. */
export function cell(col: Col, inner: string, attrs = ''): string {
  return `<td data-label="${e(col.label)}"${col.cls ? ` class="${col.cls}"` : ''}${attrs}>${inner}</td>`;
}

/**
 * A table of rows built with `cell()`. `fixed` keeps the planned widths on a desk (long free text
 * cannot push the other columns out); `attrs` go on the table element.
 */
export function gridTable(
  cols: readonly Col[],
  rows: readonly string[],
  opts: { fixed?: boolean; attrs?: string } = {},
): string {
  const widths = cols.some((c) => c.width)
    ? `<colgroup>${cols.map((c) => (c.width ? `<col style="width:${c.width}">` : '<col>')).join('')}</colgroup>`
    : '';
  const head = cols
    .map((c) => `<th${c.cls === 'num' ? ' class="num"' : ''}>${e(c.label)}</th>`)
    .join('');
  return `<table class="grid${opts.fixed ? ' fixed' : ''}"${opts.attrs ?? ''}>${widths}
<thead><tr>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}
