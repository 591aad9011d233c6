import type { Domain } from './domain.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Where a finding points: a file position, a message in a stream, a field path, a row. */
export interface Location {
  file?: string;
  /** 1-based line and column in a text file (YAML, CSV). */
  line?: number;
  col?: number;
  /** 1-based index of the message in its file (HL7 streams). */
  index?: number;
  /** Byte offset in the file. */
  offset?: number;
  /** MSH-10 of the message concerned. */
  controlId?: string;
  /** HL7 field path (`OBX[2]-6`) or FHIR/JSON path or config dot-path. */
  path?: string;
  /** 1-based data row in a CSV file (header excluded). */
  row?: number;
  /** Column name in a CSV file. */
  column?: string;
}

/**
 * A finding is an observation made by a check, carried as data.
 * `action` is the recommended pre-go-live action.
 */
export interface Finding {
  rule: string;
  severity: Severity;
  domain: Domain;
  message: string;
  action: string;
  location?: Location;
  /** Free-form structured detail (expected vs actual, counts...). */
  detail?: Record<string, unknown>;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareSeverity(a: Severity, b: Severity): number {
  return ORDER[a] - ORDER[b];
}

export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) {
    let p = loc.file;
    if (loc.line !== undefined) p += `:${loc.line}${loc.col !== undefined ? `:${loc.col}` : ''}`;
    parts.push(p);
  }
  if (loc.row !== undefined)
    parts.push(`row ${loc.row}${loc.column ? ` column ${loc.column}` : ''}`);
  if (loc.index !== undefined) parts.push(`message #${loc.index}`);
  if (loc.controlId) parts.push(`MSH-10=${loc.controlId}`);
  if (loc.path) parts.push(loc.path);
  return parts.join(' ');
}
