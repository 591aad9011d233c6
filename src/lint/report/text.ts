/**
 * Text output of `golive lint`. The default is grouped (formatGroups): per rule, errors first,
 * the groups of findings by sender and field with counts, their most frequent values, where
 * they were first and last seen and one finding's message, then the rule's action once. What an
 * analyst reads first on an archive of 100,000 messages: a handful of lines per kind of problem,
 * not a line per message. `--detail` gives the findings one by one (formatText), as listed
 * (capped per rule). Both end with the same summary. Colour only when asked (the CLI asks on a
 * TTY).
 */
import { compareSeverity, type Finding, type Severity } from '../../core/index.js';
import type { FindingGroup, LintResult, MessageRef } from '../types.js';
import { reportedValues } from './json.js';
import { painter as terminalPainter, type Style } from '../../report/terminal.js';

/** The terminal style of each severity (report/terminal.ts paints, when colour is on). */
const STYLES: Record<Severity | 'dim' | 'bold', Style> = {
  error: 'red',
  warning: 'yellow',
  info: 'cyan',
  dim: 'dim',
  bold: 'bold',
};

export interface TextOptions {
  colour?: boolean;
  /** Findings shown per rule before "... and N more" (default 20; --detail). */
  perRule?: number;
  /** Groups shown per rule before "... and N more" (default 10; grouped output). */
  groupsPerRule?: number;
  /** Values shown per group (default 5; grouped output). */
  valuesPerGroup?: number;
}

type Paint = (k: keyof typeof STYLES, s: string) => string;

const painter = (opts: TextOptions): Paint => {
  const p = terminalPainter(opts.colour === true);
  return (k, s) => p(s, STYLES[k]);
};

function where(f: Finding): string {
  const l = f.location ?? {};
  const parts = [l.file ?? ''];
  if (l.index) parts.push(`#${l.index}`);
  if (l.offset !== undefined) parts.push(`@${l.offset}`);
  let s = parts.join(' ');
  if (l.controlId) s += ` MSH-10=${l.controlId}`;
  if (l.path) s += ` ${l.path}`;
  return s;
}

/** Findings one by one, grouped by rule (errors first), with the rule's action once. */
export function formatText(result: LintResult, opts: TextOptions = {}): string {
  const c = painter(opts);
  const perRule = opts.perRule ?? 20;
  const groups = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let g = groups.get(f.rule);
    if (!g) groups.set(f.rule, (g = []));
    g.push(f);
  }
  const ordered = [...groups.entries()].sort(
    ([a, fa], [b, fb]) => compareSeverity(fa[0]!.severity, fb[0]!.severity) || a.localeCompare(b),
  );
  const { summary: s } = result;
  let out = '';
  for (const [rule, fs] of ordered) {
    const sev = fs[0]!.severity;
    const total = s.byRule[rule] ?? fs.length;
    out += `${c(sev, sev.toUpperCase().padEnd(7))} ${c('bold', rule)} (${total})\n`;
    for (const f of fs.slice(0, perRule)) out += `  ${c('dim', where(f))}\n    ${f.message}\n`;
    if (total > Math.min(fs.length, perRule))
      out += `  ${c('dim', `... and ${total - Math.min(fs.length, perRule)} more (use --format json for all listed)`)}\n`;
    out += `  ${c('dim', 'action:')} ${fs[0]!.action}\n\n`;
  }
  return out + footer(result, c);
}

const at = (r: MessageRef, file?: string) =>
  `${r.file === file ? '' : `${r.file} `}#${r.index}${r.controlId ? ` (MSH-10 ${r.controlId})` : ''}`;

function values(g: FindingGroup, max: number): string {
  const vs = reportedValues(g);
  if (vs.length === 0 || (vs.length === 1 && vs[0]!.key === '' && g.otherValues === 0)) return '';
  const shown = vs.slice(0, max).map((v) => {
    let s = JSON.stringify(v.key);
    if (v.example !== undefined) s += ` e.g. ${JSON.stringify(v.example)}`;
    if (v.note !== undefined) s += ` ${v.note}`;
    return `${s} (${v.count})`;
  });
  const more = vs.length - shown.length;
  if (more > 0) shown.push(`+${more} more value(s)`);
  if (g.otherValues > 0) shown.push(`${g.otherValues} finding(s) with values not kept`);
  return `: ${shown.join(', ')}`;
}

/** Findings grouped by rule, then by sender and field (groups.ts), errors first. */
export function formatGroups(result: LintResult, opts: TextOptions = {}): string {
  const c = painter(opts);
  const perRule = opts.groupsPerRule ?? 10;
  const perGroup = opts.valuesPerGroup ?? 5;
  const byRule = new Map<string, FindingGroup[]>();
  for (const g of result.groups) {
    if (g.count === 0) continue;
    let list = byRule.get(g.rule);
    if (!list) byRule.set(g.rule, (list = []));
    list.push(g);
  }
  const total = (gs: FindingGroup[]) => gs.reduce((n, g) => n + g.count, 0);
  const ordered = [...byRule.entries()].sort(
    ([a, ga], [b, gb]) =>
      compareSeverity(ga[0]!.severity, gb[0]!.severity) ||
      total(gb) - total(ga) ||
      a.localeCompare(b),
  );
  let out = '';
  for (const [rule, gs] of ordered) {
    const sev = gs[0]!.severity;
    const n = total(gs);
    out += `${c(sev, sev.toUpperCase().padEnd(7))} ${c('bold', rule)}: ${n} finding(s) in ${gs.length} group(s)\n`;
    const width = String(gs[0]!.count).length;
    const pad = ' '.repeat(width + 4);
    for (const g of gs.slice(0, perRule)) {
      const field = g.field ? `  ${g.field}` : '';
      out += `  ${String(g.count).padStart(width)}  ${c('bold', g.sender)}${field}${values(g, perGroup)}\n`;
      if (g.first && g.last) {
        const span =
          g.count === 1
            ? `at ${at(g.first)}`
            : `first ${at(g.first)}, last ${at(g.last, g.first.file)}`;
        out += `${pad}${c('dim', span)}\n`;
      }
      if (g.example) out += `${pad}${c('dim', 'e.g.')} ${g.example}\n`;
    }
    if (gs.length > perRule)
      out += `  ${c('dim', `... and ${gs.length - perRule} more group(s) (--format json lists all, --detail lists findings)`)}\n`;
    out += `  ${c('dim', 'action:')} ${gs[0]!.action}\n\n`;
  }
  return out + footer(result, c);
}

function footer(result: LintResult, c: Paint): string {
  const s = result.summary;
  const counts = `${c('error', `${s.findings.error} error(s)`)}, ${c('warning', `${s.findings.warning} warning(s)`)}, ${c('info', `${s.findings.info} info`)}`;
  const perMessage =
    s.messages > 0 ? ` (${(s.findings.error / s.messages).toFixed(2)} errors per message)` : '';
  let out = `${s.messages} message(s) in ${s.files} file(s)${s.unparseable ? `, ${s.unparseable} unparseable` : ''}: ${counts}${perMessage} in ${s.groups} group(s)\n`;
  const b = s.baseline;
  if (b) {
    out += `baseline ${b.file}: ${b.suppressed} finding(s) suppressed by its ${b.entries} entries; ${b.fixed} ${b.fixed === 1 ? 'entry no longer occurs' : 'entries no longer occur'} (fixed, or not in these inputs)`;
    out += b.notChecked ? `; ${b.notChecked} of rules that did not run\n` : '\n';
    for (const e of b.fixedEntries.slice(0, 5)) {
      const sender = e.sendingFacility
        ? `${e.sendingApplication}/${e.sendingFacility}`
        : e.sendingApplication;
      out += `  ${c('dim', 'fixed:')} ${e.rule} ${sender || '(no MSH-3/MSH-4)'} ${e.field}${e.key ? ` ${JSON.stringify(e.key)}` : ''} (was ${e.count})\n`;
    }
    if (b.fixedEntries.length > 5)
      out += `  ${c('dim', `... and ${b.fixedEntries.length - 5} more (--format json lists all)`)}\n`;
  }
  if (s.omitted)
    out += `${s.omitted} finding(s) counted but not listed one by one in --detail and JSON (limits.maxFindingsPerRule)\n`;
  if (s.evicted)
    out += `${s.evicted} state entries evicted at limits.maxKeys: cross-message rules saw a window of the traffic\n`;
  if (s.messages === 0) out += 'no messages were read: nothing was checked\n';
  return out;
}
