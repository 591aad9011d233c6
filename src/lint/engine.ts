/**
 * The streaming lint engine: messages go in one at a time, every enabled rule looks at each
 * (through one shared typed view), findings come out. State lives only in the rules' bounded
 * maps, and listed findings are capped per rule, so memory does not grow with input size.
 * A finding past its rule's cap is only counted: its message is never built.
 * Every finding is also counted in its group (rule + sender + field, groups.ts) and, with a
 * baseline, findings of a kind the baseline lists are counted as suppressed, not reported.
 */
import type { Finding, Severity } from '../core/index.js';
import { Hl7Message, MessageSplitter, decodeMessage } from '../hl7/index.js';
import { isUserError } from '../core/index.js';
import type { Hl7GarbageItem, Hl7Item, Hl7MessageItem, ReadOptions } from '../inputs/index.js';
import { readHl7Inputs } from '../inputs/index.js';
import { checkTimeZone } from './clock.js';
import { effectiveSeverity, parseLintConfig, type LintConfig, type SiteFacts } from './config.js';
import { defaultRegistry, type RuleRegistry } from './registry.js';
import { CHARSET, GARBAGE, UNPARSEABLE } from './rules/structure.js';
import { detach } from './fast-fields.js';
import type { Baseline } from './baseline.js';
import { Group, Senders, toFindingGroup } from './groups.js';
import type {
  LazyReport,
  LintResult,
  LintSummary,
  MessageRef,
  Rule,
  RuleContext,
  StateFn,
} from './types.js';
import { MessageView } from './view.js';

export interface EngineOptions {
  config?: LintConfig;
  registry?: RuleRegistry;
  /** "Now" for future-time checks, epoch ms. Injected: the engine reads no clock. */
  nowMs: number;
  /** Every finding as it is made (including those not kept in the result list). */
  onFinding?: (f: Finding) => void;
  /** Findings of the kinds listed here are counted as suppressed, not reported. */
  baseline?: Baseline;
}

interface Active {
  rule: Rule;
  severity: Severity;
  /** Findings so far (listed or not; not those suppressed by the baseline). */
  count: number;
  /** Groups by sender id, then by field. */
  groups: (Map<string, Group> | undefined)[];
}

/** The context handed to rules: one object per run, pointed at each message in turn. */
class Context implements RuleContext {
  msg!: Hl7Message;
  text = '';
  bytes?: Uint8Array;
  charsetProblem?: string;
  ref!: MessageRef;
  view!: MessageView;
  current!: Active;
  readonly facts: SiteFacts;
  readonly state: StateFn;
  private readonly engine: LintEngine;

  constructor(engine: LintEngine, facts: SiteFacts, state: StateFn) {
    this.engine = engine;
    this.facts = facts;
    this.state = state;
  }

  report(r: LazyReport, field?: string, key?: string, example?: string): void {
    this.engine.emit(this.current, r, this.ref, field, key, example);
  }
}

export class LintEngine {
  private readonly active: Active[];
  /** Rules run on every parsed message (not the engine-reported ones). */
  private readonly perMessage: Active[];
  private readonly charset?: Active;
  private readonly garbage?: Active;
  private readonly unparseable?: Active;
  private readonly facts: SiteFacts;
  private readonly maxFindings: number;
  private readonly states = new Map<string, unknown>();
  private readonly findings: Finding[] = [];
  private readonly onFinding?: (f: Finding) => void;
  private readonly files = new Set<string>();
  private lastFile?: string;
  /** Rules in the order of their first finding (the order of summary.byRule). */
  private readonly firing: Active[] = [];
  private readonly summary: LintSummary;
  private readonly ctx: Context;
  private readonly senders = new Senders();
  private readonly groups: Group[] = [];
  private readonly baseline?: Baseline;
  private suppressed = 0;

  constructor(opts: EngineOptions) {
    const config = opts.config ?? parseLintConfig({});
    const registry = opts.registry ?? defaultRegistry();
    registry.checkIds(Object.keys(config.rules));
    opts.baseline?.checkRules((id) => registry.get(id) !== undefined);
    this.baseline = opts.baseline;
    if (config.site.timeZone) checkTimeZone(config.site.timeZone);
    this.facts = { ...config.site, nowMs: opts.nowMs, maxKeys: config.limits.maxKeys };
    this.maxFindings = config.limits.maxFindingsPerRule;
    this.onFinding = opts.onFinding;
    this.active = [];
    this.perMessage = [];
    for (const rule of registry.all()) {
      const severity = effectiveSeverity(config, rule.id, rule.severity);
      if (!severity) continue;
      const a: Active = { rule, severity, count: 0, groups: [] };
      this.active.push(a);
      if (rule === UNPARSEABLE) this.unparseable = a;
      else if (rule === GARBAGE) this.garbage = a;
      else if (rule === CHARSET) this.charset = a;
      // The charset rule runs in stream order among the others, only when there is a problem.
      if (rule !== UNPARSEABLE && rule !== GARBAGE) this.perMessage.push(a);
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
      groups: 0,
    };
    this.ctx = new Context(this, this.facts, this.state);
  }

  private state = <T>(key: string, init: (facts: SiteFacts) => T): T => {
    let s = this.states.get(key) as T | undefined;
    if (s === undefined) this.states.set(key, (s = init(this.facts)));
    return s;
  };

  /** The group of a finding: created on its first finding, then an index and a Map lookup. */
  private groupOf(a: Active, sender: number, field: string): Group {
    let byField = a.groups[sender];
    if (byField === undefined) a.groups[sender] = byField = new Map();
    let g = byField.get(field);
    if (g === undefined) {
      g = new Group(a.rule.id, a.severity, a.rule.action, sender, detach(field));
      byField.set(g.field, g);
      this.groups.push(g);
    }
    return g;
  }

  /** Is the finding of a kind the baseline lists? Counts it in its group either way. */
  private inBaseline(g: Group, key: string, example: string | undefined): boolean {
    let v = g.values.get(key);
    if (v === undefined) {
      const known = this.baseline?.has(g.rule, this.senders.get(g.sender), g.field, key) ?? false;
      v = g.addValue(key, example, known);
      if (v === undefined) {
        // Past the group's bound: not kept, so asked of the baseline per finding (rare).
        g.otherValues++;
        return known;
      }
    }
    v.count++;
    return v.inBaseline;
  }

  /**
   * Count a finding in its group; unless the baseline suppresses it, count it in the summary
   * and make it (and list it) only when it is listed, streamed or the first of its group.
   */
  emit(a: Active, lazy: LazyReport, ref: MessageRef, field = '', key = '', example?: string): void {
    const g = this.groupOf(a, ref.sender ?? 0, field);
    if (this.inBaseline(g, key, example)) {
      g.suppressed++;
      this.suppressed++;
      return;
    }
    if (g.count++ === 0) g.first = ref;
    g.last = ref;
    const s = this.summary;
    s.findings[a.severity]++;
    if (a.count++ === 0) this.firing.push(a);
    const listed = a.count <= this.maxFindings;
    if (!listed) s.omitted++;
    if (!listed && !this.onFinding && g.example !== undefined) return;
    const r = typeof lazy === 'function' ? lazy() : lazy;
    // Listed findings outlive their message: keep copies of the strings built from it.
    const message = detach(r.message);
    g.example ??= message;
    if (!listed && !this.onFinding) return;
    const at = r.at ?? ref;
    const f: Finding = {
      rule: a.rule.id,
      severity: a.severity,
      domain: a.rule.domain,
      message,
      action: a.rule.action,
      location: {
        file: at.file,
        index: at.index,
        offset: at.offset,
        controlId: at.controlId,
        path: r.path === undefined ? undefined : detach(r.path),
      },
    };
    if (r.detail) f.detail = detachValues(r.detail);
    if (listed) this.findings.push(f);
    this.onFinding?.(f);
  }

  // Engine findings in methods of their own: a closure in push() would make V8 allocate its
  // captured variables on every call.
  private garbageFinding(a: Active, item: Hl7GarbageItem): void {
    this.emit(
      a,
      () => ({
        message: `${item.length} bytes at offset ${item.offset} are not part of any message${item.reason === 'oversized' ? ' (message over the size limit)' : ''}: "${item.preview}"`,
        detail: { length: item.length },
      }),
      { file: item.file, index: 0, offset: item.offset },
    );
  }

  private unparseableFinding(a: Active, item: Hl7MessageItem): void {
    this.emit(
      a,
      () => ({
        message: `message cannot be parsed: ${item.parseError?.message ?? 'unknown error'}`,
        path: item.parseError?.location?.path,
      }),
      { file: item.file, index: item.index, offset: item.offset },
    );
  }

  /** Lint one item of the stream. */
  push(item: Hl7Item): void {
    if (item.file !== this.lastFile) {
      this.files.add(item.file);
      this.lastFile = item.file;
    }
    this.summary.bytes += item.length;
    if (item.kind === 'garbage') {
      if (this.garbage) this.garbageFinding(this.garbage, item);
      return;
    }
    this.summary.messages++;
    if (!item.message) {
      this.summary.unparseable++;
      if (this.unparseable) this.unparseableFinding(this.unparseable, item);
      return;
    }
    const msg = item.message;
    const view = new MessageView(msg);
    const id = view.controlId;
    // Rules keep refs in state: the id must not pin the message text (see detach).
    const ref: MessageRef = {
      file: item.file,
      index: item.index,
      offset: item.offset,
      controlId: id === undefined ? id : detach(id),
      // MSH-3 sending application, MSH-4 sending facility, raw (v2.5.1 2.14.9.3-4).
      sender: this.senders.id(view.msh[2] ?? '', view.msh[3] ?? ''),
    };
    const ctx = this.ctx;
    ctx.msg = msg;
    ctx.text = item.text;
    ctx.bytes = item.bytes;
    ctx.charsetProblem = item.charsetProblem;
    ctx.ref = ref;
    ctx.view = view;
    const rules = this.perMessage;
    for (let i = 0; i < rules.length; i++) {
      const a = rules[i]!;
      if (a === this.charset && !item.charsetProblem) continue;
      ctx.current = a;
      a.rule.check(ctx);
    }
  }

  /** Findings that need the whole stream, then the result. */
  finish(): LintResult {
    for (const a of this.active) {
      if (!a.rule.finish) continue;
      a.rule.finish({
        facts: this.facts,
        state: this.state,
        report: (r, field, key, example) =>
          this.emit(
            a,
            r,
            (typeof r === 'function' ? undefined : r.at) ?? NO_REF,
            field,
            key,
            example,
          ),
      });
    }
    const s = this.summary;
    s.files = this.files.size;
    for (const a of this.firing) s.byRule[a.rule.id] = a.count;
    let evicted = 0;
    for (const st of this.states.values()) {
      const e = (st as { evicted?: unknown } | null)?.evicted;
      if (typeof e === 'number') evicted += e;
    }
    s.evicted = evicted;
    const notes = new Map(this.active.map((a) => [a.rule.id, a.rule.valueNote?.bind(a.rule)]));
    const groups = this.groups
      .map((g) => toFindingGroup(g, this.senders, notes.get(g.rule)))
      .sort((x, y) => y.count - x.count || y.suppressed - x.suppressed);
    s.groups = groups.filter((g) => g.count > 0).length;
    if (this.baseline) s.baseline = this.baseline.summarise(new Set(s.rules), this.suppressed);
    return { summary: s, groups, findings: this.findings };
  }
}

/** A rule's detail with its strings (and strings in arrays) copied out of the message. */
function detachValues(detail: Record<string, unknown>): Record<string, unknown> {
  for (const k in detail) {
    const v = detail[k];
    if (typeof v === 'string') detail[k] = detach(v);
    else if (Array.isArray(v))
      detail[k] = v.map((x: unknown) => (typeof x === 'string' ? detach(x) : x));
  }
  return detail;
}

/** Finish reports always carry `at`; this only satisfies the types. */
const NO_REF: MessageRef = { file: '', index: 0, offset: 0 };

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
        bytes: m.bytes,
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
