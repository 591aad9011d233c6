/**
 * Text output of `golive lint`: findings grouped by rule (errors first), each with where it is,
 * then the rule's action once, and a summary. Colour only when asked (the CLI asks on a TTY).
 */
import { compareSeverity, type Finding, type Severity } from '../../core/index.js';
import type { LintResult } from '../types.js';

const COLOURS: Record<Severity | 'dim' | 'bold', [string, string]> = {
  error: ['\u001b[31m', '\u001b[39m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  info: ['\u001b[36m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
};

export interface TextOptions {
  colour?: boolean;
  /** Findings shown per rule before "... and N more" (default 20). */
  perRule?: number;
}

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

export function formatText(result: LintResult, opts: TextOptions = {}): string {
  const c = (k: keyof typeof COLOURS, s: string) =>
    opts.colour ? `${COLOURS[k][0]}${s}${COLOURS[k][1]}` : s;
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
  const counts = `${c('error', `${s.findings.error} error(s)`)}, ${c('warning', `${s.findings.warning} warning(s)`)}, ${c('info', `${s.findings.info} info`)}`;
  out += `${s.messages} message(s) in ${s.files} file(s)${s.unparseable ? `, ${s.unparseable} unparseable` : ''}: ${counts}\n`;
  if (s.omitted)
    out += `${s.omitted} finding(s) counted but not listed (limits.maxFindingsPerRule)\n`;
  if (s.evicted)
    out += `${s.evicted} state entries evicted at limits.maxKeys: cross-message rules saw a window of the traffic\n`;
  if (s.messages === 0) out += 'no messages were read: nothing was checked\n';
  return out;
}
