/**
 * Which `Host` headers the dashboard answers. Trusting the peer address alone is not enough:
 * with DNS rebinding a page on attacker.example gets its name re-pointed at 127.0.0.1, and the
 * victim's browser then sends requests from loopback with `Host: attacker.example`. Refusing
 * unknown host names closes that (the browser cannot forge the Host header; RFC 9110 §7.2).
 */
import { hostname, networkInterfaces } from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

/** Lower case, no brackets around IPv6, no trailing dot (`Example.org.` is `example.org`). */
export function normalizeHost(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * The host name of a Host header value, without the port; undefined when it is not a valid
 * `host[:port]` (RFC 9110 §7.2, RFC 3986 §3.2.2).
 */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/@[\]]+)(?::(\d{1,5}))?$/.exec(header.trim());
  return m ? normalizeHost(m[1]!) : undefined;
}

/**
 * The default allow-list: loopback names and the address the server is bound to. Bound to all
 * interfaces, that is this machine's host name and each interface address. `extra` adds names
 * (a DNS name people use, the name a proxy forwards).
 */
export function allowedHosts(bind: string, extra: readonly string[] = []): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const bound = normalizeHost(bind);
  if (WILDCARDS.has(bound)) {
    names.add(normalizeHost(hostname()));
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(normalizeHost(a.address.replace(/%.*$/, '')));
  } else names.add(bound);
  for (const e of extra) names.add(normalizeHost(e));
  return names;
}
