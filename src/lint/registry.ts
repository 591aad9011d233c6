/**
 * The rule registry: every rule listed explicitly, in report order. A site can add its own
 * rules by passing a registry of its own to the engine.
 */
import { UserError } from '../core/index.js';
import type { Rule } from './types.js';
import { STRUCTURE_RULES } from './rules/structure.js';
import { UNIT_RULES } from './rules/units.js';
import { FLAG_RULES } from './rules/flags.js';
import { TIME_RULES } from './rules/time.js';
import { UPDATE_RULES } from './rules/update.js';
import { IDENTITY_RULES } from './rules/identity.js';

export class RuleRegistry {
  private readonly rules = new Map<string, Rule>();

  constructor(rules: Iterable<Rule> = []) {
    for (const r of rules) this.register(r);
  }

  register(rule: Rule): this {
    if (!/^[a-z]+\.[a-z0-9-]+$/.test(rule.id) || !rule.id.startsWith(`${rule.family}.`))
      throw new Error(`rule id "${rule.id}" must be family.name with family ${rule.family}`);
    if (this.rules.has(rule.id)) throw new Error(`rule "${rule.id}" is registered twice`);
    this.rules.set(rule.id, rule);
    return this;
  }

  get(id: string): Rule | undefined {
    return this.rules.get(id);
  }

  all(): Rule[] {
    return [...this.rules.values()];
  }

  /** Reject config keys that name no rule (a typo would otherwise silently do nothing). */
  checkIds(ids: Iterable<string>): void {
    const families = new Set(this.all().map((r) => r.family));
    for (const id of ids) {
      if (this.rules.has(id)) continue;
      if (id.endsWith('.*') && families.has(id.slice(0, -2) as Rule['family'])) continue;
      throw new UserError('E_LINT_CONFIG', `rules.${id}: no such rule`, {
        location: { path: `rules.${id}` },
        hint: `known rules: ${[...this.rules.keys()].join(', ')} (or a family wildcard like time.*)`,
      });
    }
  }
}

/** Every built-in rule. */
export const BUILTIN_RULES: readonly Rule[] = [
  ...STRUCTURE_RULES,
  ...UNIT_RULES,
  ...FLAG_RULES,
  ...TIME_RULES,
  ...UPDATE_RULES,
  ...IDENTITY_RULES,
];

export function defaultRegistry(): RuleRegistry {
  return new RuleRegistry(BUILTIN_RULES);
}
