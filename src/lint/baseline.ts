/**
 * Lint baselines: the findings of a run recorded as kinds (rule + sender + field + normalised
 * value), so later runs report only what is new. Keys are what rules pass as the grouping key
 * (the unit, the status, the shape of a bad timestamp), never line numbers or message indexes,
 * which shift as an archive grows, and never patient data: sites commit these files.
 *
 * The file is JSON, one entry per line so a review diff shows what changed:
 * `{ "format": "golive-lint-baseline", "version": 1, "inputs": [...], "entries": [...] }`.
 * Read through the YAML loader (JSON is YAML 1.2), which gives line:col for syntax and schema
 * errors; every problem is a UserError E_BASELINE with the location and a hint.
 */
import { z } from 'zod';
import { isUserError, UserError } from '../core/index.js';
import { loadYamlText, type LoadedYaml } from '../inputs/index.js';
import type { Sender } from './groups.js';
import type { BaselineEntry, BaselineSummary, LintResult } from './types.js';

export const BASELINE_FORMAT = 'golive-lint-baseline';

const EntrySchema = z.strictObject({
  rule: z.string().regex(/^[a-z]+\.[a-z0-9-]+$/, 'a rule id like units.invalid-ucum'),
  sendingApplication: z.string(),
  sendingFacility: z.string(),
  field: z.string(),
  key: z.string(),
  count: z.number().int().nonnegative(),
});

export const BaselineSchema = z.strictObject({
  format: z.literal(BASELINE_FORMAT),
  version: z.literal(1),
  inputs: z.array(z.string()).optional(),
  entries: z.array(EntrySchema),
});

export type BaselineFile = z.output<typeof BaselineSchema>;

const HINT = 'write a baseline with: golive lint <inputs> --write-baseline FILE';

/** Every value of a group (written when a group had more values than were kept). */
export const ANY_KEY = '*';

interface Slot {
  entry: BaselineEntry;
  seen: boolean;
}

const keyOf = (rule: string, app: string, facility: string, field: string, key: string) =>
  `${rule}\u0000${app}\u0000${facility}\u0000${field}\u0000${key}`;

export class Baseline {
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
  private readonly index = new Map<string, Slot>();
  private readonly locate: LoadedYaml<unknown>['locate'];

  constructor(file: string, entries: readonly BaselineEntry[], locate?: Baseline['locate']) {
    this.file = file;
    this.entries = entries;
    this.locate = locate ?? (() => undefined);
    for (const e of entries) {
      const k = keyOf(e.rule, e.sendingApplication, e.sendingFacility, e.field, e.key);
      if (!this.index.has(k)) this.index.set(k, { entry: e, seen: false });
    }
  }

  /**
   * Is this kind of finding in the baseline? Marks the entry as still occurring. Called once
   * per new value of a group (and per finding only for values past the group's bound).
   */
  has(rule: string, sender: Sender, field: string, key: string): boolean {
    const { application: a, facility: f } = sender;
    const slot =
      this.index.get(keyOf(rule, a, f, field, key)) ??
      this.index.get(keyOf(rule, a, f, field, ANY_KEY));
    if (!slot) return false;
    slot.seen = true;
    return true;
  }

  /** Entries naming rules the registry does not know: a baseline of another golive version. */
  checkRules(known: (id: string) => boolean): void {
    this.entries.forEach((e, i) => {
      if (known(e.rule)) return;
      const pos = this.locate(['entries', i, 'rule']);
      throw new UserError('E_BASELINE', `no such rule "${e.rule}"`, {
        location: { file: this.file, line: pos?.line, col: pos?.col, path: `entries[${i}].rule` },
        hint: `the baseline was written by another golive version or edited; ${HINT}`,
      });
    });
  }

  summarise(rulesRun: ReadonlySet<string>, suppressed: number): BaselineSummary {
    const fixedEntries: BaselineEntry[] = [];
    let notChecked = 0;
    for (const slot of this.index.values()) {
      if (!rulesRun.has(slot.entry.rule)) notChecked++;
      else if (!slot.seen) fixedEntries.push(slot.entry);
    }
    return {
      file: this.file,
      entries: this.entries.length,
      suppressed,
      fixed: fixedEntries.length,
      fixedEntries,
      notChecked,
    };
  }
}

/** Parse a baseline file's text. Throws UserError E_BASELINE (file:line:col, hint). */
export function parseBaseline(text: string, file: string): Baseline {
  let loaded: LoadedYaml<BaselineFile>;
  try {
    loaded = loadYamlText(text, file, BaselineSchema);
  } catch (e) {
    if (!isUserError(e)) throw e;
    // The message names the path already: the location keeps file:line:col only.
    const { file: f = file, line, col } = e.location ?? {};
    throw new UserError('E_BASELINE', `not a golive lint baseline: ${e.message}`, {
      location: { file: f, line, col },
      hint: HINT,
      cause: e,
    });
  }
  return new Baseline(file, loaded.value.entries, loaded.locate);
}

/** The baseline of a run: every kind of finding it saw, suppressed ones included. */
export function baselineOf(result: LintResult, inputs: readonly string[]): BaselineFile {
  const entries: BaselineEntry[] = [];
  for (const g of result.groups) {
    const base = {
      rule: g.rule,
      sendingApplication: g.sendingApplication,
      sendingFacility: g.sendingFacility,
      field: g.field,
    };
    for (const v of g.values) entries.push({ ...base, key: v.key, count: v.count });
    if (g.otherValues > 0) entries.push({ ...base, key: ANY_KEY, count: g.otherValues });
  }
  const order = (e: BaselineEntry) => [
    e.rule,
    e.sendingApplication,
    e.sendingFacility,
    e.field,
    e.key,
  ];
  entries.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
  return { format: BASELINE_FORMAT, version: 1, inputs: [...inputs], entries };
}

/** JSON with one entry per line: stable order, so a diff shows what changed. */
export function formatBaseline(b: BaselineFile): string {
  const head = { format: b.format, version: b.version, inputs: b.inputs ?? [] };
  const lines = b.entries.map((e) => `    ${JSON.stringify(e)}`);
  const top = JSON.stringify(head, null, 2).slice(0, -2);
  return `${top},\n  "entries": [${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}
