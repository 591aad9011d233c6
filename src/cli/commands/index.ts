/**
 * Every command, in help order: what `golive --help` lists, and how to import it. The CLI
 * imports a command's module only when that command (or its help) runs, so `golive --version`,
 * `--help` and each command start without loading every other command's dependencies (fastify,
 * fhirpath, zod schemas, hdr-histogram's WebAssembly...). Adding a command is one entry here;
 * test/cli/lazy-commands.test.ts checks every entry's term and summary against its module.
 */
import type { CommandEntry } from '../command-types.js';

const cmd = (term: string, summary: string, load: CommandEntry['load']): CommandEntry => ({
  name: term.split(' ')[0]!,
  term,
  summary,
  load,
});

export const COMMANDS: readonly CommandEntry[] = [
  cmd(
    'run [options]',
    'Run the go-live review golive.yaml describes (scenarios, audit, lint, load, failover, records) and decide; exit 0 GO, 1 CONDITIONAL GO or NO-GO, 2 bad config, 3 target unreachable',
    () => import('./run.js'),
  ),
  cmd(
    'demo [options]',
    'Run the full go-live review against the embedded reference site (demo faults on; --clean for a fault-free site)',
    () => import('./demo.js'),
  ),
  cmd(
    'scenarios',
    'Clinical workflow scenarios over HL7 v2 (MLLP) and FHIR R4',
    () => import('./scenarios.js'),
  ),
  cmd(
    'probe [options]',
    'Discover what the target supports (CapabilityStatement, the searches golive needs, which scenarios can run there); sends no clinical data',
    () => import('./probe.js'),
  ),
  cmd(
    'lint [options] <inputs...>',
    'Semantic lint of captured HL7 v2 traffic: identity, units, flags, time, updates, structure',
    () => import('./lint.js'),
  ),
  cmd(
    'load [options] <profile>',
    'Run a load profile (analyzer bursts, ADT waves, FHIR readers, failover) and check its thresholds',
    () => import('./load.js'),
  ),
  cmd(
    'compliance',
    'Compliance evidence: access review, device and change registers, audit-trail verification',
    () => import('./compliance.js'),
  ),
  cmd(
    'adoption [options]',
    'Check day-one readiness: unaided tasks, exception guides, workaround signals, floor support (adoption.*)',
    () => import('./adoption.js'),
  ),
  cmd('identity', 'Identity checks on patient rosters', () => import('./identity.js')),
  cmd(
    'site [options]',
    'Run the embedded reference site (simulated LIS/EHR over MLLP and FHIR R4)',
    () => import('./site.js'),
  ),
  cmd(
    'send [options] <files...>',
    'Send every message of the files over MLLP and report each acknowledgement',
    () => import('./send.js'),
  ),
  cmd(
    'listen [options]',
    'Capture HL7 v2 messages over MLLP to a file and acknowledge them',
    () => import('./listen.js'),
  ),
  cmd('hl7', 'Work with HL7 v2 message files', () => import('./hl7.js')),
  cmd(
    'evidence',
    'Inspect the evidence store (append-only, hash-chained)',
    () => import('./evidence.js'),
  ),
  cmd(
    'serve [options]',
    'Web dashboard: runs, reviews, evidence; attestations and waivers by role',
    () => import('./serve.js'),
  ),
];
