/**
 * Loading scenario files: safe YAML and schema validation (inputs/yaml.ts), then the checks a
 * schema cannot make: step ids unique, every {{placeholder}} and %variable defined before use,
 * FHIRPath compiled, HL7 field paths parsed, templates and referenced steps existing. Every
 * problem names file:line:col and the dot-path; a file with a problem runs nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/index.js';
import { loadYamlText, readTextFile, type LoadedYaml } from '../inputs/index.js';
import { identifierSystemsSchema } from '../config/index.js';
import { buildScenarioSchema, scenarioSchema, type Scenario } from './schema.js';
import { BUILTIN_REGISTRY, type StepRegistry } from './steps/registry.js';
import { TemplateStore } from './templates.js';
import { findKind } from './lookups.js';
import { placeholderNames } from './values.js';

export const BUILTIN_SCENARIO_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  builtin: boolean;
}

/** Values every scenario can read, provided by the runner from golive.yaml. */
export const CONFIG_VALUES = [
  'siteName',
  'timeZone',
  'criticalResultDeadline',
  'stabilityWindow',
  'siteApplication',
  'siteFacility',
  'receivingApplication',
  'receivingFacility',
  'hl7Version',
  'scenarioId',
  'runToken',
  'resultsApplication',
  'notificationApplication',
  ...Object.keys(identifierSystemsSchema.shape),
];

export interface LoadOptions {
  registry?: StepRegistry;
  templates?: TemplateStore;
  builtin?: boolean;
}

function fmt(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** Parse, validate and check one scenario text. Throws UserError at the first problem. */
export function loadScenarioText(
  text: string,
  file: string,
  opts: LoadOptions = {},
): LoadedScenario {
  const schema = opts.registry ? buildScenarioSchema(opts.registry) : scenarioSchema;
  const loaded = loadYamlText(text, file, schema);
  const problems = checkScenario(loaded.value, opts);
  if (problems.length > 0) {
    const p = problems[0]!;
    const pos = loaded.locate(p.path);
    const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
    throw new UserError('E_SCENARIO', `${fmt(p.path)}: ${p.message}${more}`, {
      location: { file, line: pos?.line, col: pos?.col, path: fmt(p.path) },
      hint: 'see docs/scenarios.md for the scenario language',
    });
  }
  return { scenario: loaded.value, file, builtin: opts.builtin ?? false };
}

export function loadScenarioFile(file: string, opts: LoadOptions = {}): LoadedScenario {
  return loadScenarioText(readTextFile(file), file, opts);
}

interface Problem {
  path: (string | number)[];
  message: string;
}

let defaultTemplates: TemplateStore | undefined;

/** The semantic checks, as data (exported for tests). */
export function checkScenario(s: Scenario, opts: LoadOptions = {}): Problem[] {
  const registry = opts.registry ?? BUILTIN_REGISTRY;
  const templates = opts.templates ?? (defaultTemplates ??= new TemplateStore());
  const problems: Problem[] = [];
  const declared = new Set<string>(CONFIG_VALUES);
  for (const [name, def] of Object.entries(s.variables)) {
    if (typeof def === 'string') {
      const { names, problems: ps } = placeholderNames(def);
      for (const m of ps) problems.push({ path: ['variables', name], message: m });
      for (const n of names) {
        if (!declared.has(n)) {
          problems.push({
            path: ['variables', name],
            message: `unknown value {{${n}}} (variables are read in order)`,
          });
        }
      }
    }
    declared.add(name);
  }
  const ids = new Set<string>();
  s.steps.forEach((step, i) => {
    const kind = registry.get(step.type);
    if (!kind) {
      problems.push({ path: ['steps', i, 'type'], message: `unknown step type "${step.type}"` });
      return;
    }
    if (step.id !== undefined) {
      if (ids.has(step.id))
        problems.push({ path: ['steps', i, 'id'], message: `step id "${step.id}" is used twice` });
    }
    kind.check?.(step, {
      issue: (path, message) => problems.push({ path: ['steps', i, ...path], message }),
      declared,
      earlierSteps: ids,
      templateExists: (name) => templates.has(name),
      templateText: (name) => (templates.has(name) ? templates.text(name).text : undefined),
    });
    if (step.id !== undefined) ids.add(step.id);
    for (const n of kind.defines?.(step) ?? []) declared.add(n);
  });
  problems.push(...uncontrolledNegatives(s));
  return problems;
}

/** An assertion that holds when nothing is found: it proves nothing on its own. */
function isNegative(a: { exists?: boolean; count?: number; atMost?: number }): boolean {
  return a.exists === false || a.count === 0 || a.atMost === 0;
}

/**
 * A negative check over a `find` ("nothing was filed for the cancelled order") passes vacuously
 * when the lookup cannot see that kind of thing on the target. It must come after a step that
 * found the same kind positively: a `control: true` step, or any `find` of that kind whose
 * assertions require something to be there.
 */
function uncontrolledNegatives(s: Scenario): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  s.steps.forEach((step, i) => {
    if (step.type !== 'expect-fhir' || !step.find) return;
    const kind = findKind(step.find);
    const positive = step.control === true || step.assert.some(requiresSomething);
    if (!positive && step.assert.some(isNegative) && !seen.has(kind)) {
      problems.push({
        path: ['steps', i, 'find'],
        message: `a negative check on ${kind} needs an earlier step that finds ${kind} positively (control: true), or it would pass on a target where the lookup sees nothing`,
      });
    }
    if (positive) seen.add(kind);
  });
  return problems;
}

/** An assertion that can only hold when something was found. */
function requiresSomething(a: {
  exists?: boolean;
  count?: number;
  atLeast?: number;
  equals?: unknown;
  contains?: unknown;
  instant?: string;
  oneOf?: unknown;
  matches?: string;
}): boolean {
  return (
    a.exists === true ||
    (a.count ?? 0) > 0 ||
    (a.atLeast ?? 0) > 0 ||
    a.contains !== undefined ||
    a.instant !== undefined ||
    a.oneOf !== undefined ||
    a.matches !== undefined ||
    (a.equals !== undefined && !(Array.isArray(a.equals) && a.equals.length === 0))
  );
}

/** Every built-in scenario, loaded relative to this module (src/ or dist/). */
export function loadBuiltinScenarios(dir = BUILTIN_SCENARIO_DIR): LoadedScenario[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const loaded = loadScenarioFile(join(dir, f), { builtin: true });
      if (loaded.scenario.id !== basename(f, '.yaml')) {
        throw new Error(`built-in ${f} has id ${loaded.scenario.id}: file names must match ids`);
      }
      return loaded;
    });
}

export interface ScenarioListing {
  id: string;
  title: string;
  domain: string;
  severity: string;
  criteria: string[];
  catches: string[];
  file: string;
}

export function listScenarios(
  scenarios: LoadedScenario[] = loadBuiltinScenarios(),
): ScenarioListing[] {
  return scenarios.map(({ scenario: s, file }) => ({
    id: s.id,
    title: s.title,
    domain: s.domain,
    severity: s.severity,
    criteria: s.criteria,
    catches: s.catches ?? [],
    file,
  }));
}

function globToRegExp(glob: string): RegExp {
  const esc = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}

/**
 * Pick scenarios: each argument is a file (ends in .yaml/.yml), an id or a glob (`order.*`).
 * No arguments: the config's include/exclude over the built-ins (default all) plus its files.
 */
export function selectScenarios(
  args: string[],
  opts: {
    include?: string[];
    exclude?: string[];
    files?: string[];
    builtins?: LoadedScenario[];
    loadOptions?: LoadOptions;
  } = {},
): LoadedScenario[] {
  const builtins = opts.builtins ?? loadBuiltinScenarios();
  const out = new Map<string, LoadedScenario>();
  const add = (l: LoadedScenario) => {
    const prev = out.get(l.scenario.id);
    if (prev && prev.file !== l.file) {
      throw new UserError(
        'E_SCENARIO_DUPLICATE',
        `scenario id "${l.scenario.id}" is defined twice`,
        {
          location: { file: l.file },
          hint: `also defined in ${prev.file}; give one of them another id`,
        },
      );
    }
    out.set(l.scenario.id, l);
  };
  const pick = (pattern: string, required: boolean) => {
    const re = globToRegExp(pattern);
    const hits = builtins.filter((b) => re.test(b.scenario.id));
    if (hits.length === 0 && required) {
      throw new UserError('E_SCENARIO_UNKNOWN', `no scenario matches "${pattern}"`, {
        hint: `built-in ids: ${builtins.map((b) => b.scenario.id).join(', ')}`,
      });
    }
    hits.forEach(add);
  };
  if (args.length > 0) {
    for (const a of args) {
      if (/\.ya?ml$/i.test(a)) add(loadScenarioFile(a, opts.loadOptions));
      else pick(a, true);
    }
  } else {
    for (const p of opts.include ?? ['*']) pick(p, true);
    for (const f of opts.files ?? []) add(loadScenarioFile(f, opts.loadOptions));
  }
  // Scenarios named on the command line run even when the config excludes them.
  const excluded = args.length > 0 ? [] : (opts.exclude ?? []).map(globToRegExp);
  return [...out.values()].filter((l) => !excluded.some((re) => re.test(l.scenario.id)));
}

export type { LoadedYaml };
