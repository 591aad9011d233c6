/**
 * Static parts of the HTML report: the stylesheet, the client script (html-client.ts), and the
 * Chart.js UMD bundle read from the installed package at render time.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export { CLIENT_SCRIPT } from './html-client.js';

let chartBundle: string | undefined;

/**
 * The Chart.js UMD bundle (chart.js@4 `dist/chart.umd.js`). The package's `exports` map does not
 * expose that path, so resolve the package entry and look next to it.
 */
export function readChartBundle(): string {
  if (chartBundle === undefined) {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('chart.js');
    chartBundle = readFileSync(join(dirname(entry), 'chart.umd.js'), 'utf8');
  }
  return chartBundle;
}

export const STYLESHEET = `
:root {
  --ink: #16202c; --ink-2: #3d4754; --ink-3: #66717f; --line: #dfe3e8; --line-2: #eef1f4;
  --paper: #ffffff; --canvas: #f4f6f8; --accent: #1f4e79;
  --go: #1a7f37; --go-bg: #e6f4ea; --amber: #9a5b00; --amber-bg: #fff4dc; --amber-strong: #d68a00;
  --red: #b42318; --red-bg: #fdecea; --blue: #1d5fa8; --blue-bg: #e8f1fb; --grey: #5b6470; --grey-bg: #eef0f3;
  --mono: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
/* the filter hides rows and cards with the hidden attribute, whatever display they have */
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--canvas); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; }
h2 { font-size: 19px; margin-bottom: 12px; }
h3 { font-size: 15px; margin: 18px 0 8px; color: var(--ink-2); }
.masthead { background: #14283d; color: #e9eef4; padding: 14px 32px; display: flex; flex-wrap: wrap;
  align-items: baseline; gap: 8px 28px; overflow-wrap: anywhere; }
.masthead .brand { font-weight: 700; letter-spacing: .04em; font-size: 15px; }
.masthead .brand span { color: #9fb4c9; font-weight: 400; }
.masthead .meta { color: #b9c6d3; font-size: 12.5px; display: flex; flex-wrap: wrap; gap: 4px 20px; }
.masthead .meta b { color: #fff; font-weight: 600; }
.topbar { background: var(--paper); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
.toc { padding: 8px 32px 4px; font-size: 13px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.toc a { color: var(--ink-2); }
.filters { padding: 4px 32px 8px; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; font-size: 12.5px; }
.filters__status { display: flex; flex-wrap: wrap; gap: 4px; }
.fbtn { font: inherit; border: 1px solid var(--line); background: var(--paper); color: var(--ink-2);
  border-radius: 999px; padding: 2px 10px; cursor: pointer; }
.fbtn[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
.fbtn .fcount { font-weight: 700; margin-left: 2px; }
.fbtn--fail .fcount { color: var(--red); }
.fbtn--error .fcount { color: var(--amber); }
.fbtn[aria-pressed="true"] .fcount { color: #fff; }
.filters select, .filters input { font: inherit; border: 1px solid var(--line); border-radius: 6px;
  padding: 3px 8px; background: var(--paper); color: var(--ink); }
.filters input { flex: 1 1 220px; min-width: 0; max-width: 420px; }
.filters__shown { color: var(--ink-3); }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
section.block { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 20px 24px; margin-bottom: 20px; }
.lead { color: var(--ink-3); margin: -6px 0 14px; }
.decision { border-radius: 10px; padding: 22px 28px; margin-bottom: 20px; color: #fff;
  display: grid; grid-template-columns: auto 1fr; gap: 6px 28px; align-items: center; }
.decision--go { background: var(--go); }
.decision--conditional-go { background: var(--amber-strong); color: #221500; }
.decision--no-go { background: var(--red); }
.decision__kicker { grid-column: 1 / -1; text-transform: uppercase; letter-spacing: .12em; font-size: 12px; opacity: .85; }
.decision__label { font-size: 46px; font-weight: 800; letter-spacing: .02em; line-height: 1; }
.decision__rationale { font-size: 16px; margin: 0; max-width: 70ch; }
.decision__meta { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 4px 22px; font-size: 12.5px; opacity: .9; margin: 8px 0 0; }
.decision__meta span b { font-weight: 600; }
.questions { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; }
.question { border: 1px solid var(--line); border-top: 4px solid var(--grey); border-radius: 6px; padding: 12px 14px; background: var(--paper); }
.question--yes { border-top-color: var(--go); }
.question--partly { border-top-color: var(--amber-strong); }
.question--no { border-top-color: var(--red); }
.question__domain { font-size: 11.5px; text-transform: uppercase; letter-spacing: .08em; color: var(--ink-3); }
.question__text { font-weight: 600; margin: 4px 0 8px; }
.question__summary { color: var(--ink-2); font-size: 13px; margin: 8px 0 0; }
.answer { display: inline-block; font-weight: 700; font-size: 12px; padding: 2px 10px; border-radius: 999px; letter-spacing: .05em; }
.answer--yes { background: var(--go-bg); color: var(--go); }
.answer--partly { background: var(--amber-bg); color: var(--amber); }
.answer--no { background: var(--red-bg); color: var(--red); }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--ink-3); font-size: 11.5px; text-transform: uppercase;
  letter-spacing: .05em; border-bottom: 2px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid var(--line-2); padding: 7px 8px; vertical-align: top; overflow-wrap: break-word; }
/* free text from the systems under test may hold one endless token: let it break anywhere */
td.text, .hash { overflow-wrap: anywhere; }
table.fixed { table-layout: fixed; }
table.kv { width: auto; min-width: min(260px, 100%); max-width: 520px; }
table.kv td:first-child { padding-right: 28px; }
tr:last-child > td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.chip { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 8px; border-radius: 4px;
  white-space: nowrap; border: 1px solid transparent; }
.chip--met, .chip--pass { background: var(--go-bg); color: var(--go); }
.chip--not-met, .chip--fail, .chip--error-sev { background: var(--red-bg); color: var(--red); }
.chip--not-evidenced { background: var(--grey-bg); color: var(--grey); border-color: #cfd4da; border-style: dashed; }
.chip--inconclusive, .chip--error { background: var(--amber-bg); color: var(--amber); }
.chip--waived { background: var(--blue-bg); color: var(--blue); }
.chip--skip, .chip--info { background: var(--grey-bg); color: var(--grey); }
.chip--warning { background: var(--amber-bg); color: var(--amber); }
.sev { font-size: 11.5px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.sev--blocker { color: var(--red); }
.sev--major { color: var(--amber); }
.sev--minor { color: var(--ink-3); }
.crit-id { font-family: var(--mono); font-size: 12px; color: var(--ink-3); display: block; }
.crit-title { font-weight: 600; }
.evid { display: flex; flex-wrap: wrap; gap: 3px; }
.evid code { white-space: nowrap; }
.evid code, .tag { background: var(--line-2); border-radius: 3px; padding: 0 5px; font-size: 11.5px; }
.muted { color: var(--ink-3); }
.none { color: var(--ink-3); font-style: italic; }
.counts { display: flex; flex-wrap: wrap; gap: 8px 22px; margin: 0 0 10px; color: var(--ink-2); }
.counts b { color: var(--ink); font-size: 18px; margin-right: 4px; }
details > summary { cursor: pointer; }
.card { border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; background: var(--paper); }
.card > summary { padding: 10px 14px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; list-style: none;
  overflow-wrap: anywhere; }
.card > summary > * { min-width: 0; }
.card > summary::-webkit-details-marker { display: none; }
.card > summary::before { content: "▸"; color: var(--ink-3); }
.card[open] > summary::before { content: "▾"; }
.card > summary .title { font-weight: 600; }
.card > summary .sum { flex-basis: 100%; color: var(--ink-2); font-size: 13px; padding-left: 18px; }
.card__body { padding: 0 14px 12px; }
.card--fail { border-left: 4px solid var(--red); }
.card--error { border-left: 4px solid var(--amber-strong); }
.card--pass { border-left: 4px solid var(--go); }
.card--skip { border-left: 4px solid var(--grey); }
tr.step--fail > td { background: #fff7f6; }
tr.step--error > td { background: #fffaf0; }
.ea { font-family: var(--mono); font-size: 12px; white-space: pre-wrap; }
.ea--actual { color: var(--red); }
tr.xrow > td { padding-top: 0; }
.exchange { margin: 4px 0; border: 1px solid var(--line-2); border-radius: 4px; background: #fbfcfd; }
.exchange > summary { padding: 4px 8px; font-size: 12.5px; color: var(--ink-2); overflow-wrap: anywhere; }
.exchange__body { padding: 4px 10px 10px; }
.exchange__body h5 { margin: 8px 0 4px; font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: var(--ink-3); }
pre.raw { margin: 0; padding: 8px 10px; background: #0f1b28; color: #e3ebf3; border-radius: 4px;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 420px; overflow: auto; }
.ctl { display: inline-block; font-size: 9.5px; line-height: 1; padding: 1px 3px; margin: 0 2px; border-radius: 3px;
  background: #3a4b5e; color: #cfe0f1; vertical-align: 1px; }
.xerr { color: var(--red); font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; margin: 12px 0 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px 8px; break-inside: avoid; }
figure.chart figcaption { font-size: 12.5px; font-weight: 600; color: var(--ink-2); margin-bottom: 6px; }
.chart__box { position: relative; height: 230px; }
.tables { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(300px, 100%), 1fr)); gap: 8px 28px; align-items: start; }
.tables > div { min-width: 0; overflow-x: auto; }
/* a table with free-text columns (thresholds) gets the whole row instead of a 300 px track */
.tables > .wide { grid-column: 1 / -1; }
.tables table.kv { width: 100%; max-width: none; }
.ok { color: var(--go); font-weight: 600; }
.bad { color: var(--red); font-weight: 600; }
footer { max-width: 1240px; margin: 0 auto; padding: 0 32px 32px; color: var(--ink-3); font-size: 12px; }
@media (max-width: 1000px) {
  .questions { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .charts { grid-template-columns: 1fr; }
  main { padding: 16px; }
  .decision { grid-template-columns: 1fr; }
}
/*
 * A phone: data tables become stacked rows, one labelled line per cell (cells carry their
 * column name in data-label), since columns squeezed to a few pixels read one letter per line.
 */
@media (max-width: 700px) {
  .masthead { padding: 12px 14px; }
  .topbar { position: static; }
  .toc { padding: 8px 14px 4px; flex-wrap: nowrap; overflow-x: auto; white-space: nowrap; }
  .filters { padding: 4px 14px 8px; }
  main { padding: 10px; }
  footer { padding: 0 14px 24px; }
  section.block { padding: 14px 12px; }
  .decision { padding: 16px 18px; }
  .decision__label { font-size: 32px; }
  .questions { grid-template-columns: 1fr; }
  .card > summary { padding: 8px 10px; }
  .card__body { padding: 0 8px 10px; }
  table.grid, table.grid > tbody, table.grid > tbody > tr, table.grid > tbody > tr > td { display: block; width: auto; }
  table.grid > colgroup, table.grid > thead { display: none; }
  table.grid > tbody > tr { padding: 8px 0; border-bottom: 1px solid var(--line); }
  table.grid > tbody > tr:last-child { border-bottom: 0; }
  table.grid > tbody > tr > td { border: 0; padding: 3px 0 3px 7.6em; position: relative; min-height: 1.6em;
    text-align: left; white-space: normal; }
  table.grid > tbody > tr > td::before { content: attr(data-label); position: absolute; left: 0; top: 5px; width: 7em;
    color: var(--ink-3); font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; line-height: 1.3; }
  table.grid > tbody > tr > td[data-label=""] { padding-left: 0; }
  table.grid > tbody > tr > td[data-label=""]::before { content: none; }
  table.grid td.xpad { display: none; }
  table.grid > tbody > tr.xrow { padding-top: 0; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10.5pt; }
  .topbar { display: none; }
  .masthead { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); padding: 0 0 6px; }
  .masthead .meta, .masthead .brand span { color: var(--ink-2); }
  .masthead .meta b { color: var(--ink); }
  main { max-width: none; padding: 10px 0 0; }
  section.block { border: 0; padding: 0; margin: 0 0 16px; border-radius: 0; }
  section.block > h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; break-after: avoid; }
  h3 { break-after: avoid; }
  .questions { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .question, tr, figure.chart, .decision, .card > summary { break-inside: avoid; }
  .charts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .chart__box { height: 200px; }
  pre.raw { max-height: none; background: #f4f6f8; color: var(--ink); border: 1px solid var(--line); }
  .ctl { background: var(--line); color: var(--ink-2); }
  .card > summary::before, .card[open] > summary::before { content: none; }
  a { color: inherit; }
  footer { padding: 0; }
}
`;
