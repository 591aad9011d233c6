import { Hl7Message } from '../../src/hl7/index.js';
import {
  lintText,
  parseLintConfig,
  type LintConfigInput,
  type LintResult,
} from '../../src/lint/index.js';

/** The injected "now" of every rule test: 2026-03-01 12:00 UTC. */
export const NOW = Date.parse('2026-03-01T12:00:00Z');

/** A clean ORU^R01 (v2.5.1): every rule is quiet on it (asserted in engine.test.ts). */
export const BASE = [
  'MSH|^~\\&|LAB|HOSP|EHR|HOSP|20260301100000+0000||ORU^R01^ORU_R01|MSG1|P|2.5.1',
  'PID|1||12345^^^HOSP^MR||DOE^JANE||19800101|F|||1 MAIN ST^^SPRINGFIELD^^12345',
  'ORC|RE|PL1|FL1||CM',
  'OBR|1|PL1|FL1|GLU^Glucose panel^L|||20260301090000+0000|||||||20260301091000+0000||||||||20260301095000+0000|||F',
  'OBX|1|NM|2345-7^Glucose^LN||5.5|mmol/L|3.5-7.8|N|||F|||20260301090000+0000',
].join('\r');

/** BASE with fields set by path (`OBX-5`, `PID-5.1`, `OBX[2]-3`...); null removes a segment. */
export function msg(edits: Record<string, string> = {}, base = BASE): string {
  const m = Hl7Message.parse(base);
  for (const [path, value] of Object.entries(edits)) m.set(path, value, { raw: true });
  return m.toString();
}

/** Messages separated by newlines, as captures usually are. */
export const stream = (...messages: string[]) => messages.join('\n');

export function lint(text: string, config: LintConfigInput = {}, nowMs = NOW): LintResult {
  return lintText(text, { config: parseLintConfig(config), nowMs, file: 'test.hl7' });
}

/** Findings of one rule. */
export function of(text: string, rule: string, config: LintConfigInput = {}) {
  return lint(text, config).findings.filter((f) => f.rule === rule);
}

/** Rule ids that fired. */
export function fired(text: string, config: LintConfigInput = {}): string[] {
  return [...new Set(lint(text, config).findings.map((f) => f.rule))].sort();
}
