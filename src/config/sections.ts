/**
 * Optional sections of golive.yaml read by `golive run` for the other checks (lint, load,
 * compliance, adoption, review). They are typed (known keys, unknown keys rejected, paths as
 * strings resolved from the config directory) but permissive: every key is optional so a site
 * can start with the inputs it has. The owning modules interpret them; this file only
 * describes their shape. See docs/config.md.
 */
import { z } from 'zod';
import { durationSchema } from './duration.js';

const files = z
  .array(z.string())
  .meta({ description: 'Files, folders or globs, relative to golive.yaml.' });
const severity = z.enum(['error', 'warning', 'info']);

const ruleTuning = z.union([
  z.literal('off'),
  severity,
  z.strictObject({
    severity: severity
      .optional()
      .meta({ description: 'Severity the rule reports with: error, warning or info.' }),
    enabled: z.boolean().optional().meta({ description: 'false switches the rule off.' }),
  }),
]);

/** `golive lint` inputs and tuning (issue: semantic lint). */
export const lintSection = z
  .strictObject({
    inputs: files.optional().meta({ description: 'Captured HL7 v2 traffic to lint.' }),
    config: z.string().optional().meta({
      description:
        'A lint configuration file (docs/lint.md#configuration); the keys below win over it.',
    }),
    capturedTraffic: z.boolean().optional().meta({
      description:
        'Also lint what the target forwarded to the capture listener during the scenarios (default true).',
    }),
    rules: z.record(z.string(), ruleTuning).optional().meta({
      description: 'Rule id (or family.*) -> off | severity | {severity, enabled}.',
    }),
    expectedUnits: z.record(z.string(), z.string()).optional().meta({
      description: 'Observation code (OBX-3.1 or system|code) -> the UCUM unit the site expects.',
    }),
    codeSystems: z
      .array(z.string())
      .optional()
      .meta({ description: 'OBX-3.3 coding systems the receiver maps (e.g. LN, 99LAB).' }),
    acceptedUnits: z
      .array(z.string())
      .optional()
      .meta({ description: 'Local unit strings the receiver maps knowingly (not invalid UCUM).' }),
    clockSkew: durationSchema
      .optional()
      .meta({ description: 'Largest accepted gap between MSH-7 and event times.' }),
    tolerance: durationSchema
      .optional()
      .meta({ description: 'Tolerance for "in the future" and "after the message was sent".' }),
    identity: z
      .strictObject({
        threshold: z.number().min(0).max(1).optional().meta({
          description:
            'Match score (0-1) above which two registrations are taken for one person (identity rules; default 0.65).',
        }),
      })
      .optional()
      .meta({ description: 'Tuning of the identity rules (split and merged records).' }),
  })
  .meta({ description: 'Semantic lint of captured traffic.' });

/** `golive load` profiles and storage projection (issue: load, failover, storage). */
export const loadSection = z
  .strictObject({
    profiles: files
      .optional()
      .meta({ description: 'Load profile YAML files, or names of built-in profiles (peak).' }),
    failover: z
      .strictObject({
        profile: z.string().optional().meta({
          description:
            'Load profile file (or built-in name) with a failover: section; failover runs only when set.',
        }),
        action: z.enum(['restart', 'pause-resume']).optional().meta({
          description: "Disruption to apply, overriding the profile's: restart or pause-resume.",
        }),
        recoveryObjective: durationSchema.optional().meta({
          description:
            "Longest acceptable time to the first acknowledgement after the disruption, overriding the profile's.",
        }),
      })
      .optional()
      .meta({ description: 'Failover under load (infrastructure.failover).' }),
    storage: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .meta({
        description:
          'Storage declaration for the growth projection: a file, or the same keys inline (docs/load.md, "Storage growth").',
      }),
  })
  .meta({ description: 'Load profiles, failover and storage growth.' });

/** Compliance inputs (issue: compliance and adoption evidence). */
export const complianceSection = z
  .strictObject({
    audit: z
      .strictObject({
        source: z.enum(['fhir', 'csv', 'ndjson']).optional().meta({
          description:
            'Where the audit records are: fhir (AuditEvents of target.fhir, the default), csv or ndjson (an exported log in file).',
        }),
        file: z
          .string()
          .optional()
          .meta({ description: 'The exported audit log, for source csv or ndjson.' }),
        window: durationSchema.optional().meta({
          description:
            'How far from an action its audit record may be and still match (default 5m).',
        }),
        allowedSkew: durationSchema.optional().meta({
          description:
            "Largest accepted gap between an action and its record's time (clock drift; default 2m).",
        }),
      })
      .optional()
      .meta({
        description:
          'Audit trail: every read and write the scenarios performed must have a complete audit record (compliance.audit-trail).',
      }),
    access: z
      .strictObject({
        accounts: z.string().optional().meta({
          description: 'Account list, CSV or YAML (docs/compliance.md, "Access review").',
        }),
        roles: z
          .string()
          .optional()
          .meta({ description: 'Role-to-permission matrix, CSV or YAML.' }),
        duties: z.string().optional().meta({
          description: 'Permissions each clinical role needs (and conflict pairs), CSV or YAML.',
        }),
        dormantAfter: durationSchema.optional().meta({
          description:
            'An account unused for longer is dormant (a warning); whole days, default 90d.',
        }),
        sharedAccountPatterns: z.array(z.string()).optional().meta({
          description:
            'Regular expressions of generic (shared) login names, replacing the built-in ones.',
        }),
      })
      .optional()
      .meta({
        description:
          'Access review: accounts, roles and duties (compliance.roles-duties, compliance.service-vendor-accounts). Give all three files.',
      }),
    registers: z
      .strictObject({
        devices: z.string().optional().meta({
          description: 'Connected-device inventory, CSV or YAML (compliance.device-security).',
        }),
        changes: z.string().optional().meta({
          description: 'Interface change register, CSV or YAML (compliance.change-control).',
        }),
        validations: z
          .string()
          .optional()
          .meta({ description: 'Validation records the changes refer to, CSV or YAML.' }),
      })
      .optional()
      .meta({ description: 'Device and change registers (docs/compliance.md, "Registers").' }),
  })
  .meta({ description: 'Audit trail, access review and registers.' });

/** Adoption inputs (issue: compliance and adoption evidence). */
export const adoptionSection = z
  .strictObject({
    tasks: z.string().optional().meta({ description: 'Task simulation records.' }),
    guides: z.string().optional().meta({ description: 'Quick-reference guide list.' }),
    signals: z.string().optional().meta({ description: 'Workaround signal log.' }),
    roster: z.string().optional().meta({ description: 'Floor support roster.' }),
    launchPlan: z
      .string()
      .optional()
      .meta({ description: 'Units x shifts the roster must cover.' }),
    thresholds: z
      .strictObject({
        unaidedCritical: z.number().min(0).max(1).optional().meta({
          description:
            'Least share (0-1) of critical task attempts done unaided, per role (default 0.9; the adoption.unaided-tasks threshold).',
        }),
        unaidedExceptions: z.number().min(0).max(1).optional().meta({
          description:
            'Least share (0-1) of exception task attempts done unaided, per role (default 0.9).',
        }),
      })
      .optional()
      .meta({ description: 'Adoption thresholds, as fractions (0.9 = 90%).' }),
  })
  .meta({ description: 'Adoption evidence.' });

/** Review settings (issue: the go-live review). */
export const reviewSection = z
  .strictObject({
    template: z.string().optional().meta({ description: '`standard` or a template file.' }),
    owners: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Criterion id or owner role -> the accountable person.' }),
    attestations: z.string().optional().meta({ description: 'Attestations file.' }),
    waivers: z.string().optional().meta({ description: 'Waivers file.' }),
    handoffs: z
      .array(
        z.strictObject({
          from: z.string().meta({ description: 'System or team that hands over (LIS).' }),
          to: z.string().meta({ description: 'System or team that receives (EHR).' }),
          owner: z
            .string()
            .optional()
            .meta({ description: 'Who is accountable for the handoff; missing is a gap.' }),
          fallback: z.string().optional().meta({
            description:
              'What people do when the handoff fails (downtime procedure); missing is a gap.',
          }),
        }),
      )
      .optional()
      .meta({ description: 'Integration map handoffs (workflow.handoffs).' }),
    evidence: z
      .string()
      .optional()
      .meta({ description: 'Evidence store: a SQLite path or postgres:// URL.' }),
    reports: z.string().optional().meta({ description: 'Directory for the reports.' }),
    thresholds: z.record(z.string(), z.record(z.string(), z.number())).optional().meta({
      description:
        'Criterion id -> measurement -> threshold, replacing the template value (e.g. infrastructure.failover: { recovery_s: 60 }).',
    }),
  })
  .meta({ description: 'Review template, owners, attestations, waivers and reports.' });
