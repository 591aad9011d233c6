/**
 * The HL7 template store golive.yaml describes: `templates` for every sending system and
 * `systems.<name>.templates` for one, paths relative to the config file.
 */
import { resolveConfigPath, type LoadedConfig } from '../config/index.js';
import { TemplateStore } from './templates.js';

export function templateStoreFor(loaded: LoadedConfig): TemplateStore {
  const c = loaded.config;
  const systems: Record<string, Record<string, string>> = {};
  for (const [name, sys] of Object.entries(c.systems ?? {}))
    if (sys.templates) systems[name] = sys.templates;
  return new TemplateStore(undefined, { all: c.templates, systems }, (p) =>
    resolveConfigPath(loaded, p),
  );
}
