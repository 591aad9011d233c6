/**
 * Synthetic AuditEvents written to the IHE BALP patterns (Read, Query, Create, Update, Delete
 * and their Patient* variants): type rest, subtype the restful-interaction, action R/E/C/U/D,
 * client and server agents with network addresses, the user agent as requestor,
 * source.observer, a data entity (type 2, role 4), a query entity (type 2, role 24, the raw
 * request base64) and a patient entity (type 1, role 1). Options strip parts to build the
 * "minimum a real server writes" and broken variants.
 */
export type Interaction =
  'read' | 'vread' | 'search' | 'search-type' | 'create' | 'update' | 'delete';

const ACTION: Record<Interaction, string> = {
  read: 'R',
  vread: 'R',
  search: 'E',
  'search-type': 'E',
  create: 'C',
  update: 'U',
  delete: 'D',
};

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

export interface BalpOpts {
  id: string;
  recorded: string;
  interaction: Interaction;
  /** The user (agent requestor=true, who.identifier.value). */
  user?: string;
  /** The resource acted on: a data entity. */
  data?: string;
  /** The patient subject: a patient entity. */
  patient?: string;
  /** The raw request, base64 in the query entity. */
  query?: string;
  /** The cleaned query, in the query entity's description. */
  description?: string;
  /** undefined: success '0'; null: no outcome element. */
  outcome?: string | null;
  /** meta.lastUpdated (when the server stored it). */
  lastUpdated?: string;
  /** Leave out the client and server agents (only the user). */
  noNetworkAgents?: boolean;
  /** Leave out subtype. */
  noSubtype?: boolean;
  /** Leave out source. */
  noSource?: boolean;
}

export function balpEvent(o: BalpOpts): Record<string, unknown> {
  const read = o.interaction === 'read' || o.interaction === 'vread';
  // BALP Read names the client the destination of the data (110152), the others the source.
  const [clientRole, serverRole] = read ? ['110152', '110153'] : ['110153', '110152'];
  const agent: Record<string, unknown>[] = [];
  if (!o.noNetworkAgents) {
    agent.push(
      {
        type: { coding: [{ system: DCM, code: clientRole }] },
        who: { display: 'golive-test-client' },
        requestor: false,
        network: { address: '10.0.0.7', type: '2' },
      },
      {
        type: { coding: [{ system: DCM, code: serverRole }] },
        who: { reference: 'Device/fhir-server' },
        requestor: false,
        network: { address: 'http://127.0.0.1:8080/fhir', type: '5' },
      },
    );
  }
  if (o.user)
    agent.push({
      type: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' },
        ],
      },
      who: { identifier: { value: o.user } },
      requestor: true,
    });
  const entity: Record<string, unknown>[] = [];
  if (o.data)
    entity.push({
      what: { reference: o.data },
      type: { system: ENTITY_TYPE, code: '2' },
      role: { system: ROLE, code: '4' },
    });
  if (o.patient)
    entity.push({
      what: { reference: o.patient },
      type: { system: ENTITY_TYPE, code: '1' },
      role: { system: ROLE, code: '1' },
    });
  if (o.query !== undefined || o.description !== undefined)
    entity.push({
      type: { system: ENTITY_TYPE, code: '2' },
      role: { system: ROLE, code: '24' },
      ...(o.query !== undefined ? { query: Buffer.from(o.query, 'utf8').toString('base64') } : {}),
      ...(o.description !== undefined ? { description: o.description } : {}),
    });
  return {
    resourceType: 'AuditEvent',
    id: o.id,
    ...(o.lastUpdated ? { meta: { lastUpdated: o.lastUpdated } } : {}),
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    ...(o.noSubtype
      ? {}
      : { subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: o.interaction }] }),
    action: ACTION[o.interaction],
    recorded: o.recorded,
    ...(o.outcome === null ? {} : { outcome: o.outcome ?? '0' }),
    agent,
    ...(o.noSource
      ? {}
      : { source: { site: 'lab.example.org', observer: { reference: 'Device/fhir-server' } } }),
    entity,
  };
}
