/**
 * The `golive.yaml` site configuration: one zod schema gives the types, the validation
 * (unknown keys rejected, dot-path messages) and the JSON Schema in schemas/ for editors.
 * Durations are written `10s`/`2m` and come out as milliseconds. Relative file paths are
 * resolved from the directory of the config file by the loader.
 */
import { z } from 'zod';
import { durationSchema, zoneSchema } from './duration.js';
import {
  adoptionSection,
  complianceSection,
  lintSection,
  loadSection,
  reviewSection,
} from './sections.js';

const port = z.number().int().min(0).max(65535).meta({ description: 'TCP port (0-65535).' });
const host = z.string().min(1).meta({ description: 'Host name or IP address.' });

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};
/** A size as `golive listen` takes it: a whole number of bytes, or a number and its unit. */
export const LISTENER_SIZE_PATTERN = '^\\d+(\\.\\d+)?\\s*([KMG]i?B|B)?$';
const LISTENER_SIZE_MIN = 1024;

/** Bytes of an MLLP listener cap (decision 013): 16MiB, 512KiB, 2MB or a whole number. */
const listenerSize = z
  .union([
    z.string().meta({ pattern: LISTENER_SIZE_PATTERN }),
    z.number().int().meta({ minimum: LISTENER_SIZE_MIN }),
  ])
  .transform((v, ctx) => {
    const m =
      typeof v === 'number' ? undefined : /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?$/i.exec(v.trim());
    const bytes =
      typeof v === 'number'
        ? v
        : m
          ? Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!)
          : undefined;
    if (bytes === undefined || !Number.isSafeInteger(bytes)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(v)} is not a size: write e.g. 16MiB, 512KiB or 1048576 (bytes)`,
      });
      return z.NEVER;
    }
    if (bytes < LISTENER_SIZE_MIN) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(v)} is below the least, 1KiB (1024 bytes)`,
      });
      return z.NEVER;
    }
    return bytes;
  });

const mllpTls = z
  .strictObject({
    ca: z.string().optional().meta({ description: 'PEM file of the CA that signed the receiver.' }),
    pinSha256: z
      .array(z.string())
      .optional()
      .meta({ description: 'Accept only these certificate SHA-256 fingerprints.' }),
    servername: z.string().optional().meta({
      description:
        'Name the certificate must carry (TLS SNI and host check) when it differs from host.',
    }),
  })
  .meta({ description: 'MLLP over TLS (optional).' });

export const mllpEndpointSchema = z.strictObject({
  host: host.default('127.0.0.1'),
  port: port.meta({ description: 'TCP port of the MLLP receiver (required).' }),
  connectTimeout: durationSchema
    .default(5000)
    .meta({ description: 'How long to wait for the TCP (and TLS) connection.' }),
  ackTimeout: durationSchema
    .default(10_000)
    .meta({ description: 'How long to wait for each acknowledgement.' }),
  tls: mllpTls.optional(),
});

export const fhirAuthSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('none').meta({ description: 'No authentication.' }),
    }),
    z.strictObject({
      type: z.literal('basic').meta({ description: 'HTTP Basic authentication.' }),
      username: z.string().min(1).meta({ description: 'HTTP Basic user name.' }),
      passwordEnv: z
        .string()
        .min(1)
        .meta({ description: 'Name of the environment variable holding the password.' }),
    }),
    z.strictObject({
      type: z.literal('bearer').meta({ description: 'A bearer token (OAuth 2.0 access token).' }),
      tokenEnv: z
        .string()
        .min(1)
        .meta({ description: 'Name of the environment variable holding the bearer token.' }),
    }),
  ])
  .meta({
    description:
      'FHIR authentication. Secrets are read from the environment, never from this file.',
  });

export const fhirEndpointSchema = z.strictObject({
  baseUrl: z.url().meta({ description: 'FHIR R4 base URL, e.g. https://ehr.test/fhir/R4' }),
  auth: fhirAuthSchema.default({ type: 'none' }),
  timeout: durationSchema
    .default(10_000)
    .meta({ description: 'How long to wait for each FHIR answer.' }),
  retries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .meta({ description: 'Retries (with backoff) after a 5xx answer or a connection failure.' }),
});

/** A control hook: an HTTP request or a command run without a shell. */
const hookTimeout = durationSchema
  .default(30_000)
  .meta({ description: 'How long the action may take before it counts as failed.' });

export const hookSchema = z.union([
  z.strictObject({
    http: z
      .strictObject({
        url: z.url().meta({ description: 'URL to call; a 2xx answer means done.' }),
        method: z
          .enum(['GET', 'POST', 'PUT', 'DELETE'])
          .default('POST')
          .meta({ description: 'HTTP method (default POST).' }),
        headers: z
          .record(z.string(), z.string())
          .optional()
          .meta({ description: 'Request headers, name -> value.' }),
        body: z.string().optional().meta({ description: 'Request body, sent as written.' }),
      })
      .meta({ description: 'Do the action with an HTTP request.' }),
    timeout: hookTimeout,
  }),
  z.strictObject({
    command: z
      .array(z.string())
      .min(1)
      .meta({ description: 'argv of the command (no shell); exit 0 means done.' }),
    timeout: hookTimeout,
  }),
]);

export const controlSchema = z
  .strictObject({
    pause: hookSchema.optional().meta({
      description: 'Stop the receiver taking messages (downtime scenarios, pause-resume failover).',
    }),
    resume: hookSchema.optional().meta({ description: 'Let the receiver take messages again.' }),
    restart: hookSchema.optional().meta({
      description: 'Restart the receiver (downtime.recovery and restart failover need it).',
    }),
  })
  .meta({
    description:
      'How golive pauses, resumes and restarts the receiving system (downtime and failover scenarios).',
  });

export const identifierSystemsSchema = z
  .strictObject({
    mrnAuthority: z
      .string()
      .default('RGH')
      .meta({ description: 'Assigning authority golive sends in PID-3.4 (HL7 table 0363).' }),
    mrnSystem: z
      .string()
      .default('urn:golive:mrn:RGH')
      .meta({ description: 'Identifier.system of an MRN with that authority on the FHIR side.' }),
    placerSystem: z
      .string()
      .default('urn:golive:placer')
      .meta({ description: 'Identifier.system of placer order numbers (ORC-2, type PLAC).' }),
    fillerSystem: z
      .string()
      .default('urn:golive:filler')
      .meta({ description: 'Identifier.system of filler order numbers (ORC-3, type FILL).' }),
    accessionSystem: z
      .string()
      .default('urn:golive:accession')
      .meta({ description: 'Identifier.system of specimen accession numbers.' }),
    observationSystem: z
      .string()
      .default('urn:golive:obs')
      .meta({ description: 'Identifier.system of Observations (value filler/OBX-3.1/OBX-4).' }),
    criticalNotificationSystem: z
      .string()
      .default('urn:golive:critical-notification')
      .meta({ description: 'Identifier.system of critical-result notifications.' }),
    providerSystem: z
      .string()
      .default('urn:golive:provider')
      .meta({ description: 'Identifier.system of ordering providers (ORC-12 / OBR-16).' }),
    deviceSystem: z.string().default('urn:golive:device').meta({
      description: 'Identifier.system of the devices golive registers (sterile services).',
    }),
    traySystem: z
      .string()
      .default('urn:golive:tray')
      .meta({ description: 'Identifier.system of instrument trays (sterile services).' }),
    cycleSystem: z
      .string()
      .default('urn:golive:sterilization-cycle')
      .meta({ description: 'Identifier.system of sterilization cycles.' }),
    sterilizationCodeSystem: z
      .string()
      .default('urn:golive:sterilization')
      .meta({ description: 'Code system of sterilization procedure codes.' }),
  })
  .meta({
    description:
      'How the receiver names, on the FHIR side, the identifiers and codes golive sends. Defaults fit the reference site.',
  });

export const systemSchema = z.strictObject({
  application: z.string().optional().meta({ description: 'MSH-3 sending application.' }),
  facility: z.string().optional().meta({ description: 'MSH-4 sending facility.' }),
  templates: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'Template name -> HL7 template file, overriding the built-in one.' }),
});

export const scenariosSectionSchema = z.strictObject({
  include: z
    .array(z.string())
    .optional()
    .meta({ description: 'Scenario ids or globs in scope (`order.*`); default all built-ins.' }),
  exclude: z.array(z.string()).optional().meta({
    description:
      'Scenario ids or globs left out of include (not of ids named on the command line).',
  }),
  files: z
    .array(z.string())
    .optional()
    .meta({ description: 'Extra scenario files (site-specific stories).' }),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .meta({ description: 'Scenarios run at once (1-64).' }),
  timeouts: z
    .strictObject({
      message: durationSchema
        .default(15_000)
        .meta({ description: 'Default wait for an outbound message at the capture listener.' }),
      fhir: durationSchema
        .default(15_000)
        .meta({ description: 'Default deadline for FHIR assertions to hold.' }),
      settle: durationSchema.default(1000).meta({
        description:
          'How long a negative assertion (nothing duplicated, old value not current) must keep holding.',
      }),
    })
    .default({ message: 15_000, fhir: 15_000, settle: 1000 })
    .meta({ description: 'Default waits of scenario steps (a step may set its own).' }),
  unattended: z
    .boolean()
    .default(true)
    .meta({ description: 'Manual steps are skipped (with reason) instead of asking a person.' }),
});

export const siteSchema = z.strictObject({
  name: z
    .string()
    .default('site under test')
    .meta({ description: 'Name of the site, shown in reports.' }),
  timeZone: zoneSchema
    .default('UTC')
    .meta({ description: 'Site time zone: HL7 timestamps are sent with its offset.' }),
  criticalResultDeadline: durationSchema
    .default(15 * 60_000)
    .meta({ description: 'A critical result must reach the notification target within this.' }),
  application: z.string().default('GOLIVE').meta({
    description: 'MSH-3 sending application of what golive sends (unless a system says otherwise).',
  }),
  facility: z
    .string()
    .default('RGH')
    .meta({ description: 'MSH-4 sending facility of what golive sends.' }),
  receivingApplication: z
    .string()
    .default('EHR')
    .meta({ description: 'MSH-5 receiving application golive addresses.' }),
  receivingFacility: z
    .string()
    .default('RGH')
    .meta({ description: 'MSH-6 receiving facility golive addresses.' }),
  hl7Version: z
    .string()
    .default('2.5.1')
    .meta({ description: 'MSH-12 version id of what golive sends.' }),
  identifiers: identifierSystemsSchema.default(identifierSystemsSchema.parse({})),
  outbound: z
    .strictObject({
      resultsApplication: z.string().min(1).optional().meta({
        description:
          'MSH-5 of results the receiver forwards to the capture listener. Unset: the target forwards nothing golive can see, and the forwarding checks are skipped.',
      }),
      notificationApplication: z.string().min(1).optional().meta({
        description:
          'MSH-5 of critical-result notifications the receiver sends as HL7 to the capture listener. Unset: notifications are looked for on the FHIR side only (target.lookups.notification).',
      }),
    })
    .default({})
    .meta({ description: "What the receiver sends on to golive's capture listener, if anything." }),
  stabilityWindow: durationSchema
    .default(4 * 3_600_000)
    .meta({ description: 'Specimen stability window the receiver is expected to enforce.' }),
});

const identifierStrategy = z.enum(['identifier', 'identifier-type', 'identifier-system']);
const identifierStrategies = (what: string, type: string) =>
  z
    .array(identifierStrategy)
    .min(1)
    .default(['identifier'])
    .meta({
      description: `How ${what} is found. identifier: by its value alone (FHIR token search without a system, the default); identifier-type: by type ${type} of v2-0203 with the :of-type modifier; identifier-system: by the system in site.identifiers (opt-in: a site convention). All listed are asked and their answers united.`,
    });

/**
 * How the receiver represents what golive sends, and so how golive finds it (docs/config.md,
 * "Target profile"). Defaults use only what FHIR R4 defines; a site's conventions are opt-in.
 */
export const lookupsSchema = z
  .strictObject({
    patient: identifierStrategies('a patient (by the MRN sent in PID-3)', 'MR'),
    order: identifierStrategies('an order (placer ORC-2 / filler ORC-3)', 'PLAC or FILL'),
    results: z
      .array(z.enum(['based-on', 'report', 'subject-code', 'identifier']))
      .min(1)
      .default(['based-on', 'report', 'subject-code'])
      .meta({
        description:
          "How an order's results are found: based-on (Observation.basedOn), report (DiagnosticReport.basedOn and .result), subject-code (Observation.subject + code), identifier (Observation.identifier from observationIdentifier; opt-in). All listed are asked and their answers united.",
      }),
    observationIdentifier: z.string().optional().meta({
      description:
        'Template of the Observation identifier the receiver writes, as system|value, e.g. "urn:site:obs|{{filler}}/{{code}}/1" ({{code}} is the OBX-3.1 looked for). Only with results: [identifier].',
    }),
    specimen: z
      .array(z.enum(['accession', 'identifier']))
      .min(1)
      .default(['accession', 'identifier'])
      .meta({
        description:
          'How a specimen is found: by Specimen.accessionIdentifier or .identifier value.',
      }),
    notification: z
      .array(z.enum(['communication', 'flag', 'task']))
      .min(1)
      .default(['communication', 'flag', 'task'])
      .meta({
        description:
          'Where the receiver records a critical-result notification: Communication (subject), Flag (subject), Task (for).',
      }),
  })
  .meta({
    description:
      'Target profile: how the receiver stores what golive sends. Defaults use only the FHIR R4 standard.',
  });
export type Lookups = z.output<typeof lookupsSchema>;

export const targetSchema = z
  .strictObject({
    mllp: mllpEndpointSchema.optional().meta({
      description: 'The HL7 v2 receiver golive sends to over MLLP (interface engine, LIS...).',
    }),
    fhir: fhirEndpointSchema
      .optional()
      .meta({ description: 'The FHIR R4 server golive reads what the receiver stored from.' }),
    lookups: lookupsSchema.prefault({}),
  })
  .meta({
    description:
      'The systems under test. Use test environments only: golive sends synthetic patients.',
  });

export const configSchema = z
  .strictObject({
    version: z
      .literal(1)
      .default(1)
      .meta({ description: 'Version of this file format: 1 (the only one so far).' }),
    site: siteSchema.default(siteSchema.parse({})).meta({
      description:
        "The site's clinical facts: name, time zone, critical-result deadline, HL7 header defaults, identifier systems.",
    }),
    target: targetSchema.prefault({}),
    capture: z
      .strictObject({
        host: host.default('127.0.0.1').meta({
          description:
            'Address to listen on (0.0.0.0 for every interface, when the receiver is on another machine).',
        }),
        port: port.default(0).meta({
          description:
            'Port to listen on; 0 picks a free port (only useful with the embedded site).',
        }),
        ackCode: z.enum(['AA', 'AE', 'AR']).default('AA').meta({
          description: 'MSA-1 acknowledgement code golive answers with (HL7 table 0008).',
        }),
        maxConnections: z.number().int().min(1).optional().meta({
          description:
            'Connections at once; more are closed at once (decision 013). Default 256, as golive listen --max-connections.',
        }),
        maxMessageBytes: listenerSize.optional().meta({
          description:
            'Largest message (MLLP frame) accepted; a larger one is answered AR. Bytes, or a size with its unit (16MiB, 512KiB), at least 1KiB. Default 16MiB, as golive listen --max-message-bytes.',
        }),
        partialBudget: listenerSize.optional().meta({
          description:
            'Bytes of unfinished frames held over all connections; a frame that would pass it is answered AR. Bytes, or a size with its unit (64MiB), at least 1KiB. Default 64MiB, as golive listen --partial-budget.',
        }),
      })
      .prefault({ host: '127.0.0.1', port: 0, ackCode: 'AA' })
      .meta({
        description:
          "golive's capture listener: the receiver forwards results and notifications here.",
      }),
    control: controlSchema.optional(),
    scenarios: scenariosSectionSchema.default(scenariosSectionSchema.parse({})).meta({
      description: 'Which workflow scenarios run, how many at once, and their default waits.',
    }),
    templates: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Template name -> HL7 template file, for every system.' }),
    systems: z.record(z.string(), systemSchema).optional().meta({
      description: 'Sending systems (`adt`, `orders`, `lab`...): MSH-3/4 and template overrides.',
    }),
    lint: lintSection.optional(),
    load: loadSection.optional(),
    compliance: complianceSection.optional(),
    adoption: adoptionSection.optional(),
    review: reviewSection.optional(),
  })
  .meta({ title: 'golive site configuration (golive.yaml)' });

export type GoliveConfig = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type MllpEndpoint = z.output<typeof mllpEndpointSchema>;
export type FhirEndpoint = z.output<typeof fhirEndpointSchema>;
export type FhirAuth = z.output<typeof fhirAuthSchema>;
export type Hook = z.output<typeof hookSchema>;
export type ControlConfig = z.output<typeof controlSchema>;
export type SiteConfig = z.output<typeof siteSchema>;
export type IdentifierSystems = z.output<typeof identifierSystemsSchema>;

/**
 * The caps of golive's capture listener (`capture` of golive.yaml) as the MLLP listener takes
 * them (`maxConnections`, `maxFrameBytes`, `maxPartialBytes`); a key left out keeps the
 * listener's default (decision 013).
 */
export function captureLimits(c: {
  maxConnections?: number | undefined;
  maxMessageBytes?: number | undefined;
  partialBudget?: number | undefined;
}): { maxConnections?: number; maxFrameBytes?: number; maxPartialBytes?: number } {
  return {
    ...(c.maxConnections !== undefined ? { maxConnections: c.maxConnections } : {}),
    ...(c.maxMessageBytes !== undefined ? { maxFrameBytes: c.maxMessageBytes } : {}),
    ...(c.partialBudget !== undefined ? { maxPartialBytes: c.partialBudget } : {}),
  };
}
