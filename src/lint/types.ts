/**
 * Types of the lint engine: rules, the per-message context they read, and the result.
 * A rule is data plus a `check` function; the registry lists rules explicitly (no globals).
 */
import type { Finding, Severity } from '../core/index.js';
import type { Hl7Message } from '../hl7/index.js';
import type { SiteFacts } from './config.js';
import type { MessageView } from './view.js';

/** Rule families are the contract with the review (REVIEW.md interop.* criteria). */
export type RuleFamily = 'structure' | 'units' | 'flags' | 'time' | 'update' | 'identity';

export const RULE_FAMILIES: readonly RuleFamily[] = [
  'structure',
  'units',
  'flags',
  'time',
  'update',
  'identity',
];

/** Where a message sits in its input: file, 1-based index, byte offset, MSH-10. */
export interface MessageRef {
  file: string;
  index: number;
  offset: number;
  controlId?: string;
  /** The engine's id of the message's sender (MSH-3/MSH-4), for grouping. */
  sender?: number;
}

/** What a rule reports; the engine adds rule id, severity, domain and action. */
export interface Report {
  message: string;
  /** Field path, e.g. `OBX[2]-6`. */
  path?: string;
  /** Point at another message than the current one (e.g. the first of a pair). */
  at?: MessageRef;
  detail?: Record<string, unknown>;
}

/**
 * A finding as data, or a function that makes it: the engine calls the function only when the
 * finding is listed (a rule's list is capped) or streamed, so the millions of findings a large
 * capture can produce cost a count each, not a message string each.
 */
export type LazyReport<R extends Report = Report> = R | (() => R);

/**
 * Per-run state a rule keeps (bounded maps), created on first use. `init` gets the site facts,
 * so a rule can pass a module-level function (no closure made per message).
 */
export type StateFn = <T>(key: string, init: (facts: SiteFacts) => T) => T;

export interface RuleContext {
  readonly msg: Hl7Message;
  /** The decoded message text as received. */
  readonly text: string;
  /** The message's bytes as framed (segments joined by CR), when the reader has them. */
  readonly bytes?: Uint8Array;
  /** Set when the bytes did not fit the declared MSH-18 character set. */
  readonly charsetProblem?: string;
  readonly ref: MessageRef;
  /** Typed views of the message, computed once and shared by all rules. */
  readonly view: MessageView;
  readonly facts: SiteFacts;
  readonly state: StateFn;
  /**
   * Report a finding. `field` (`OBX-6`: segment and field, no occurrence) and `key` (what
   * makes findings of the field alike: the unit, the status, the shape of a bad timestamp)
   * group findings and key them in a baseline; `example` is the value as sent when `key` is a
   * normalised form of it. Pass strings that already exist (constants, values of the view):
   * every finding is grouped, also those past the listing cap. A key is written to baseline
   * files that sites commit, so it never carries patient data (names, ids, dates of birth).
   */
  report(r: LazyReport, field?: string, key?: string, example?: string): void;
}

export interface FinishContext {
  readonly facts: SiteFacts;
  readonly state: StateFn;
  report(
    r: LazyReport<Report & { at: MessageRef }>,
    field?: string,
    key?: string,
    example?: string,
  ): void;
}

export interface Rule {
  /** `family.name`, e.g. `units.invalid-ucum`. */
  id: string;
  family: RuleFamily;
  domain: 'interop';
  /** Default severity; the config may change it. */
  severity: Severity;
  /** Why it matters, in one line. */
  rationale: string;
  /** The recommended pre-go-live action. */
  action: string;
  check(ctx: RuleContext): void;
  /** Called once after the last message (findings that need the whole stream). */
  finish?(ctx: FinishContext): void;
  /** A note on one grouping key for reports (e.g. the UCUM equivalent of an MDC unit). */
  valueNote?(key: string): string | undefined;
}

export interface LintSummary {
  files: number;
  messages: number;
  bytes: number;
  /** Messages that could not be parsed at all. */
  unparseable: number;
  findings: Record<Severity, number>;
  /** Findings per rule id (all of them, including those not listed). */
  byRule: Record<string, number>;
  /** Findings counted but not listed because a rule hit `limits.maxFindingsPerRule`. */
  omitted: number;
  /** Rule ids that ran. */
  rules: string[];
  /** Per-key state entries evicted because a bound was reached (memory stays flat). */
  evicted: number;
  /** Groups (rule + sender + field) with reported findings. */
  groups: number;
  /** Set when a baseline was given: what it suppressed and which entries no longer occur. */
  baseline?: BaselineSummary;
}

/** One entry of a baseline file: a kind of finding accepted as known. */
export interface BaselineEntry {
  rule: string;
  sendingApplication: string;
  sendingFacility: string;
  field: string;
  /** Normalised value (`*`: every value of the group). */
  key: string;
  /** Findings of this kind when the baseline was written. */
  count: number;
}

export interface BaselineSummary {
  file: string;
  entries: number;
  /** Findings matched by an entry: counted here, not reported. */
  suppressed: number;
  /** Entries of rules that ran that matched nothing: fixed, or not in these inputs. */
  fixed: number;
  fixedEntries: BaselineEntry[];
  /** Entries of rules that did not run (turned off), so neither matched nor fixed. */
  notChecked: number;
}

export interface LintResult {
  summary: LintSummary;
  /** Every group with findings (reported or suppressed), most findings first. */
  groups: FindingGroup[];
  findings: Finding[];
}

/** One normalised value of a group. */
export interface ValueCount {
  key: string;
  /** Findings with this value, including those matched by the baseline. */
  count: number;
  /** The value as sent, when the key is a normalised form of it (first seen). */
  example?: string;
  /** What the rule says about the value (Rule.valueNote), added to the result. */
  note?: string;
  /** The value is in the baseline: its findings are suppressed. */
  inBaseline: boolean;
}

/** A group as the result carries it (reports and the baseline writer read this). */
export interface FindingGroup {
  rule: string;
  severity: Severity;
  /** The rule's recommended action. */
  action: string;
  sendingApplication: string;
  sendingFacility: string;
  /** `APP/FACILITY` */
  sender: string;
  /** Field without occurrence (`OBX-6`), '' when the rule names none. */
  field: string;
  count: number;
  suppressed: number;
  first?: MessageRef;
  last?: MessageRef;
  example?: string;
  /** Values, most frequent first. */
  values: ValueCount[];
  otherValues: number;
}
