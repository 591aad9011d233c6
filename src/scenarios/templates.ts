/**
 * HL7 v2 message templates: ER7 text with `{{placeholders}}`, one segment per line; lines
 * starting with `#` are comments. Substituted values are escaped with the template's own
 * delimiters (v2.5.1 section 2.7), so a value containing `|` or `^` cannot break the message.
 * A site replaces a built-in template for every system (`templates:` in golive.yaml) or for
 * one sending system (`systems.<name>.templates`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/index.js';
import { Hl7Message, escapeValue, type Delimiters } from '../hl7/index.js';
import { readTextFile } from '../inputs/index.js';
import { placeholderNames, render, type RenderOptions } from './values.js';

export const BUILTIN_TEMPLATE_DIR = fileURLToPath(new URL('./builtin/templates/', import.meta.url));

export interface TemplateOverrides {
  /** Template name -> file, for every system. */
  all?: Record<string, string>;
  /** System name -> template name -> file. */
  systems?: Record<string, Record<string, string>>;
}

/** Names a template needs (placeholders without a default, and `?name` conditions are optional). */
export function templateNeeds(text: string): { names: string[]; problems: string[] } {
  const names: string[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    if (raw.startsWith('#')) continue;
    // A `?name` line is sent only when name has a value: what it reads is then optional.
    const conditional = /^\?[A-Za-z][A-Za-z0-9_.]*\s+/.test(raw);
    const r = placeholderNames(raw.replace(/^\?[A-Za-z][A-Za-z0-9_.]*\s+/, ''));
    if (!conditional) names.push(...r.names);
    problems.push(...r.problems);
  }
  return { names, problems };
}

export class TemplateStore {
  private readonly builtin = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  constructor(
    dir: string = BUILTIN_TEMPLATE_DIR,
    private readonly overrides: TemplateOverrides = {},
    private readonly resolvePath: (p: string) => string = (p) => p,
  ) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir)) {
        if (f.endsWith('.hl7')) this.builtin.set(basename(f, '.hl7'), join(dir, f));
      }
    }
  }

  names(): string[] {
    return [...this.builtin.keys()].sort();
  }

  has(name: string): boolean {
    return this.builtin.has(name) || !!this.overrides.all?.[name];
  }

  /** Template text for a sending system; the most specific override wins. */
  text(name: string, system?: string): { text: string; source: string } {
    const file =
      (system ? this.overrides.systems?.[system]?.[name] : undefined) ?? this.overrides.all?.[name];
    const path = file ? this.resolvePath(file) : this.builtin.get(name);
    if (!path) {
      throw new UserError('E_TEMPLATE', `no HL7 template named "${name}"`, {
        hint: `built-in templates: ${this.names().join(', ')}`,
      });
    }
    let text = this.cache.get(path);
    if (text === undefined) {
      text = file ? readTextFile(path) : readFileSync(path, 'utf8');
      this.cache.set(path, text);
    }
    return { text, source: path };
  }
}

/** Delimiters declared by a template's MSH line (the standard ones when it has none). */
function templateDelimiters(text: string): Delimiters {
  const m = /^MSH(.)(.)(.)(.)(.)/m.exec(text);
  if (!m) return { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
  return { field: m[1]!, component: m[2]!, repetition: m[3]!, escape: m[4]!, subcomponent: m[5]! };
}

/** Render template text into a message; `append` lines are extra segments (also templated). */
export function renderTemplate(
  text: string,
  opts: Omit<RenderOptions, 'escape'>,
  append: string[] = [],
): Hl7Message {
  const d = templateDelimiters(text);
  const escape = (s: string) => escapeValue(s, d);
  const lines = [...text.split(/\r\n|\r|\n/), ...append]
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .flatMap((l) => {
      // `?name SEG|...`: the segment is sent only when `name` has a non-empty value.
      const cond = /^\?([A-Za-z][A-Za-z0-9_.]*)\s+(.*)$/.exec(l);
      if (!cond) return [l];
      return opts.vars.get(cond[1]!) ? [cond[2]!] : [];
    });
  const body = lines.map((l) => render(l, { ...opts, escape })).join('\r');
  return Hl7Message.parse(`${body}\r`);
}
