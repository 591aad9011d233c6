/**
 * Load profile loading: YAML through the schema, then the checks a schema cannot express
 * (threshold grammar, template placeholders, references between sections, time bounds), each
 * reported at file:line:col with a hint.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/index.js';
import { loadYamlFile, loadYamlText, type LoadedYaml } from '../inputs/index.js';
import { lookupFields } from './end-to-end.js';
import { scheduleOf } from './schedule.js';
import { profileSchema, type Profile } from './profile-schema.js';
import { compileTemplate, TemplateError, type CompiledTemplate } from './templates.js';
import {
  METRICS,
  parseThreshold,
  ThresholdSyntaxError,
  withDefaultThresholds,
  type Threshold,
} from './thresholds.js';

export interface LoadedProfile {
  profile: Profile;
  file: string;
  thresholds: Threshold[];
  templates: Map<string, CompiledTemplate>;
}

export function loadProfileFile(file: string): LoadedProfile {
  return check(loadYamlFile(file, profileSchema));
}

export function loadProfileText(text: string, file = '<profile>'): LoadedProfile {
  return check(loadYamlText(text, file, profileSchema));
}

const here = dirname(fileURLToPath(import.meta.url));

export const BUILTIN_PROFILES = ['peak'] as const;

/** A profile shipped with golive (src/load/builtin, copied to dist/load/builtin). */
export function loadBuiltinProfile(name: string): LoadedProfile {
  const file = join(here, 'builtin', `${name}.yaml`);
  if (!existsSync(file)) {
    throw new UserError('E_LOAD_PROFILE', `no built-in load profile "${name}"`, {
      hint: `built-in profiles: ${BUILTIN_PROFILES.join(', ')}`,
    });
  }
  return loadProfileFile(file);
}

function check(y: LoadedYaml<Profile>): LoadedProfile {
  const p = y.value;
  const fail = (path: PropertyKey[], message: string, hint: string): never => {
    const pos = y.locate(path);
    throw new UserError('E_LOAD_PROFILE', message, {
      location: { file: y.file, line: pos?.line, col: pos?.col, path: path.map(String).join('.') },
      hint,
    });
  };

  const templates = new Map<string, CompiledTemplate>();
  for (const [name, cfg] of Object.entries(p.messages)) {
    try {
      templates.set(name, compileTemplate(name, cfg));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      fail(
        ['messages', name],
        `message template "${name}": ${e.message}`,
        'see docs/load.md, "Messages"',
      );
    }
  }

  let hasUsers = false;
  let lastEnd = 0;
  for (const [name, ex] of Object.entries(p.executors)) {
    const start = ex.startAt ?? 0;
    if (ex.executor === 'concurrent-users') {
      hasUsers = true;
      lastEnd = Math.max(lastEnd, start + ex.duration);
      continue;
    }
    for (const m of Object.keys(ex.mix)) {
      if (!templates.has(m)) {
        fail(
          ['executors', name, 'mix', m],
          `executor "${name}" sends "${m}", which is not defined under messages`,
          `defined messages: ${[...templates.keys()].join(', ') || '(none)'}`,
        );
      }
    }
    const s = scheduleOf(ex);
    lastEnd = Math.max(lastEnd, start + s.durationMs);
    if (start + s.durationMs > p.maxDuration) {
      fail(
        ['executors', name],
        `executor "${name}" ends ${(start + s.durationMs) / 1000}s into the run, after maxDuration ${p.maxDuration / 1000}s`,
        'raise maxDuration or shorten the executor: a run always stops by itself at maxDuration',
      );
    }
  }

  const thresholds: Threshold[] = [];
  for (const [metric, exprs] of Object.entries(p.thresholds)) {
    exprs.forEach((expr, i) => {
      try {
        thresholds.push(parseThreshold(metric, expr));
      } catch (e) {
        if (!(e instanceof ThresholdSyntaxError)) throw e;
        fail(['thresholds', metric, ...(METRICS[metric] ? [i] : [])], e.message, e.hint);
      }
    });
    const needs = needsOf(metric);
    if (needs === 'e2e' && !p.endToEnd) {
      fail(
        ['thresholds', metric],
        `threshold on ${metric} needs an end-to-end check`,
        'add endToEnd.capture or endToEnd.fhirLookup',
      );
    }
    if (needs === 'users' && !hasUsers) {
      fail(
        ['thresholds', metric],
        `threshold on ${metric} needs a concurrent-users executor`,
        'add one, or drop the threshold',
      );
    }
    if (needs === 'failover' && !p.failover) {
      fail(
        ['thresholds', metric],
        `threshold on ${metric} needs a failover action`,
        'add failover: { at, action }',
      );
    }
  }

  if (p.failover) {
    if (!p.endToEnd) {
      fail(
        ['failover'],
        'a failover run needs an end-to-end check to count loss and duplication',
        'add endToEnd.capture (or fhirLookup)',
      );
    }
    if (p.failover.at >= lastEnd) {
      fail(
        ['failover', 'at'],
        `the failover action at ${p.failover.at / 1000}s comes after the last executor ends (${lastEnd / 1000}s)`,
        'act while traffic is flowing',
      );
    }
  }
  const lookup = p.endToEnd?.fhirLookup;
  if (lookup && lookupFields(lookup.path).length === 0) {
    fail(
      ['endToEnd', 'fhirLookup', 'path'],
      'the lookup path names no field of the sent message',
      'e.g. DiagnosticReport?identifier={{OBR-3.1}}',
    );
  }
  return { profile: p, file: y.file, thresholds: withDefaultThresholds(thresholds), templates };
}

function needsOf(metric: string): 'e2e' | 'users' | 'failover' | undefined {
  if (['lost', 'duplicated', 'reordered'].includes(metric)) return 'e2e';
  if (metric.startsWith('fhir_')) return 'users';
  if (metric === 'recovery_time') return 'failover';
  return undefined;
}

/** Upper bound of prepared subjects a run can use: every iteration of executors sending them. */
export function preparedNeeded(lp: LoadedProfile): number {
  let n = 0;
  for (const ex of Object.values(lp.profile.executors)) {
    if (ex.executor === 'concurrent-users') continue;
    if (Object.keys(ex.mix).some((m) => lp.templates.get(m)?.prepared)) n += scheduleOf(ex).total;
  }
  return n;
}
