import { UserError } from '../core/index.js';

/** Parse HOST:PORT (IPv6 as [::1]:PORT). */
export function parseHostPort(value: string, what = '--to'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new UserError('E_ADDRESS', `${what} "${value}" is not HOST:PORT`, {
      hint: 'for example 127.0.0.1:2575',
    });
  }
  return { host: (m[1] ?? m[2])!, port };
}

export function parsePort(value: string, what = '--port'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UserError('E_ADDRESS', `${what} "${value}" is not a port number`, {
      hint: 'a number from 0 to 65535 (0 picks a free port)',
    });
  }
  return n;
}
