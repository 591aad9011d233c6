/**
 * Search result bundles (R4 bundle.html, searchset; http.html#paging for the links).
 */
import type { Resource } from './resources.js';

export interface SearchsetOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8080/fhir */
  base: string;
  type: string;
  /** The query without paging parameters, as `key=value` pairs already URL-encoded. */
  query: string[];
  offset: number;
  count: number;
  total: number;
  /** Id of the bundle (injected id generator). */
  id: string;
  /** meta.lastUpdated of the bundle. */
  lastUpdated: string;
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: { fullUrl?: string; resource?: Resource; search?: { mode: string } }[];
}

export function searchset(page: Resource[], o: SearchsetOptions): Bundle {
  const url = (offset: number) =>
    `${o.base}/${o.type}?${[...o.query, `_count=${o.count}`, `_offset=${offset}`].join('&')}`;
  const link = [
    { relation: 'self', url: url(o.offset) },
    { relation: 'first', url: url(0) },
  ];
  if (o.offset + o.count < o.total) link.push({ relation: 'next', url: url(o.offset + o.count) });
  if (o.offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, o.offset - o.count)) });
  return {
    resourceType: 'Bundle',
    id: o.id,
    meta: { lastUpdated: o.lastUpdated },
    type: 'searchset',
    total: o.total,
    link,
    entry: page.map((r) => ({
      fullUrl: `${o.base}/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: 'match' },
    })),
  };
}
