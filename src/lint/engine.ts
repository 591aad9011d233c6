/**
 * The streaming lint engine: messages go in one at a time, every enabled rule looks at each
 * (through one shared typed view), findings come out. State lives only in the rules' bounded
 * maps, and listed findings are capped per rule, so memory does not grow with input size.
 */
import type { Finding, Severity } from '../core/index.js';
import { Hl7Message, MessageSplitter, decodeMessage } from '../hl7/index.js';
import { isUserError } from '../core/errors.js';
import type { Hl7Item, ReadOptions } from '../inputs/hl7-files.js';
import { readHl7Inputs } from '../inputs/hl7-files.js';
import { BoundedMap } from './bounded-map.js';
import { checkTimeZone } from './clock.js';
import { effectiveSeverity, parseLintConfig, type LintConfig, type SiteFacts } from './config.js';
import { defaultRegistry, type RuleRegistry } from './registry.js';
import { CHARSET, GARBAGE, UNPARSEABLE } from './rules/structure.js';
import type { LintResult, LintSummary, MessageRef, Report, Rule, RuleContext } from './types.js';
import { MessageView } from './view.js';

export interface EngineOptions {
  config?: LintConfig;
  registry?: RuleRegistry;
  /** "Now" for future-time checks, epoch ms. Injected: the engine reads no clock. */
  nowMs: number;
  /** Every finding as it is made (including those not kept in the result list). */
  onFinding?: (f: Finding) => void;
}

interface Active {
  rule: Rule;
  severity: Severity;
}

export class LintEngine {
  private readonly active: Active[];
  private readonly byId = new Map<string, Active>();
  private readonly facts: SiteFacts;
  private readonly maxFindings: number;
  private readonly states = new Map<string, unknown>();
  private readonly findings: Finding[] = [];
  private readonly onFinding?: (f: Finding) => void;
  private readonly files = new Set<string>();
  private readonly summary: LintSummary;

  constructor(opts: EngineOptions) {
    const config = opts.config ?? parseLintConfig({});
    const registry = opts.registry ?? defaultRegistry();
    registry.checkIds(Object.keys(config.rules));
    if (config.site.timeZone) checkTimeZone(config.site.timeZone);
    this.facts = { ...config.site, nowMs: opts.nowMs, maxKeys: config.limits.maxKeys };
    this.maxFindings = config.limits.maxFindingsPerRule;
    this.onFinding = opts.onFinding;
    this.active = [];
    for (const rule of registry.all()) {
      const severity = effectiveSeverity(config, rule.id, rule.severity);
      if (!severity) continue;
      const a = { rule, severity };
      this.active.push(a);
      this.byId.set(rule.id, a);
    }
    this.summary = {
      files: 0,
      messages: 0,
      bytes: 0,
      unparseable: 0,
      findings: { error: 0, warning: 0, info: 0 },
      byRule: {},
      omitted: 0,
      rules: this.active.map((a) => a.rule.id),
      evicted: 0,
    };
  }

  private state = <T>(key: string, init: () => T): T => {
    if (!this.states.has(key)) this.states.set(key, init());
    return this.states.get(key) as T;
  };

  private emit(a: Active, r: Report, ref: MessageRef): void {
    const at = r.at ?? ref;
    const f: Finding = {
      rule: a.rule.id,
      severity: a.severity,
      domain: a.rule.domain,
      message: r.message,
      action: a.rule.action,
      location: {
        file: at.file,
        index: at.index,
        offset: at.offset,
        controlId: at.controlId,
        path: r.path,
      },
    };
    if (r.detail) f.detail = r.detail;
    const s = this.summary;
    s.findings[a.severity]++;
    const n = (s.byRule[a.rule.id] = (s.byRule[a.rule.id] ?? 0) + 1);
    if (n <= this.maxFindings) this.findings.push(f);
    else s.omitted++;
    this.onFinding?.(f);
  }

  /** Lint one item of the stream. */
  push(item: Hl7Item): void {
    this.files.add(item.file);
    this.summary.bytes += item.length;
    if (item.kind === 'garbage') {
      const a = this.byId.get(GARBAGE.id);
      if (a)
        this.emit(
          a,
          {
            message: `${item.length} bytes at offset ${item.offset} are not part of any message${item.reason === 'oversized' ? ' (message over the size limit)' : ''}: "${item.preview}"`,
            detail: { length: item.length },
          },
          { file: item.file, index: 0, offset: item.offset },
        );
      return;
    }
    this.summary.messages++;
    const ref: MessageRef = { file: item.file, index: item.index, offset: item.offset };
    if (!item.message) {
      this.summary.unparseable++;
      const a = this.byId.get(UNPARSEABLE.id);
      if (a)
        this.emit(
          a,
          {
            message: `message cannot be parsed: ${item.parseError?.message ?? 'unknown error'}`,
            path: item.parseError?.location?.path,
          },
          ref,
        );
      return;
    }
    const msg = item.message;
    const view = new MessageView(msg);
    ref.controlId = view.controlId;
    let current: Active = this.active[0]!;
    const ctx: RuleContext = {
      msg,
      text: item.text,
      charsetProblem: item.charsetProblem,
      ref,
      view,
      facts: this.facts,
      state: this.state,
      report: (r) => this.emit(current, r, ref),
    };
    for (const a of this.active) {
      if (
        a.rule === UNPARSEABLE ||
        a.rule === GARBAGE ||
        (a.rule === CHARSET && !item.charsetProblem)
      )
        continue;
      current = a;
      a.rule.check(ctx);
    }
  }

  /** Findings that need the whole stream, then the result. */
  finish(): LintResult {
    for (const a of this.active) {
      if (!a.rule.finish) continue;
      a.rule.finish({ facts: this.facts, state: this.state, report: (r) => this.emit(a, r, r.at) });
    }
    this.summary.files = this.files.size;
    let evicted = 0;
    for (const s of this.states.values()) if (s instanceof BoundedMap) evicted += s.evicted;
    this.summary.evicted = evicted;
    return { summary: this.summary, findings: this.findings };
  }
}

/** Lint files, folders, globs or stdin (`-`), streaming. */
export async function lintInputs(
  inputs: readonly string[],
  opts: EngineOptions & ReadOptions,
): Promise<LintResult> {
  const engine = new LintEngine(opts);
  for await (const item of readHl7Inputs(inputs, opts)) engine.push(item);
  return engine.finish();
}

/** Lint messages held in memory (tests, the review runner's captured exchanges). */
export function lintText(text: string, opts: EngineOptions & { file?: string }): LintResult {
  const engine = new LintEngine(opts);
  const file = opts.file ?? '<text>';
  const splitter = new MessageSplitter({
    onMessage: (m) => {
      const d = decodeMessage(m.bytes);
      let message: Hl7Message | undefined;
      let parseError;
      try {
        message = Hl7Message.parse(d.text);
      } catch (e) {
        if (!isUserError(e)) throw e;
        parseError = e;
      }
      engine.push({
        kind: 'message',
        file,
        index: m.index,
        offset: m.offset,
        length: m.bytes.length,
        text: d.text,
        message,
        parseError,
        charset: d.charset,
        charsetProblem: d.problem,
      });
    },
    onGarbage: (g) => engine.push({ kind: 'garbage', file, ...g }),
  });
  splitter.push(new TextEncoder().encode(text));
  splitter.end();
  return engine.finish();
}
