/**
 * `golive serve`: the web dashboard over an evidence store (docs/dashboard.md).
 * `golive serve --hash-token` makes a token and the hash to put in the users file.
 */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { dirname, join } from 'node:path';
import { UserError } from '../../core/index.js';
import { isPostgresUrl, openEvidenceStore, resolveStoreLocation } from '../../evidence/index.js';
import { generateToken, hashToken, loadUsers, startServer } from '../../server/index.js';
import { parsePort } from '../address.js';
import { serveReview } from '../serve-review.js';
import type { RegisterCommand } from '../command-types.js';
import { VERSION } from '../version.js';

interface ServeOpts {
  store?: string;
  schema: string;
  port: string;
  host: string;
  users?: string;
  auditLog?: string;
  hashToken?: boolean;
  quiet?: boolean;
  allowedHost: string[];
  tlsCert?: string;
  tlsKey?: string;
  secureCookies?: boolean;
  config?: string;
  target?: string;
  profile?: string;
}

const collect = (v: string, all: string[]) => [...all, v];

/** The PEM files for --tls-cert/--tls-key: both or neither, readable. */
function readTls(opts: ServeOpts): { key: Buffer; cert: Buffer } | undefined {
  if (!opts.tlsCert && !opts.tlsKey) return undefined;
  if (!opts.tlsCert || !opts.tlsKey) {
    throw new UserError('E_TLS', 'TLS needs both a certificate and its key', {
      hint: 'pass --tls-cert FILE and --tls-key FILE (PEM)',
    });
  }
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new UserError('E_TLS', `cannot read the TLS ${what}`, {
        location: { file },
        hint: `${(e as NodeJS.ErrnoException).code ?? 'error'}: check the path and permissions`,
        cause: e,
      });
    }
  };
  return { cert: read(opts.tlsCert, 'certificate'), key: read(opts.tlsKey, 'key') };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function printTokenHash(): Promise<void> {
  const piped = !process.stdin.isTTY;
  const token = piped ? await readStdin() : generateToken();
  if (token.length < 16 || /\s/.test(token)) {
    throw new UserError('E_TOKEN', 'a token must be at least 16 characters with no spaces', {
      hint: 'run `golive serve --hash-token` without input to generate one',
    });
  }
  if (!piped) {
    process.stdout.write(
      `token: ${token}\n  (give this to the user over a private channel; it is not stored anywhere)\n`,
    );
  }
  process.stdout.write(`token_sha256: ${hashToken(token)}\n`);
}

const isLoopbackHost = (h: string) => h === 'localhost' || h === '::1' || /^127\./.test(h);

export const register: RegisterCommand = (program, setExit) => {
  program
    .command('serve')
    .description('Web dashboard: runs, reviews, evidence; attestations and waivers by role')
    .option(
      '--store <file|url>',
      'SQLite file or postgres:// URL (default: $GOLIVE_STORE, else .golive/evidence.db)',
    )
    .addOption(
      new Option('--schema <name>', 'PostgreSQL schema holding the store').default(
        'golive',
        'golive',
      ),
    )
    .addOption(
      new Option('--port <n>', 'port to listen on (0 picks a free one)').default('8600', '8600'),
    )
    .addOption(new Option('--host <addr>', 'address to bind').default('127.0.0.1', '127.0.0.1'))
    .option('--users <file>', 'users file (YAML: name, role, token_sha256); without it: read-only')
    .option(
      '--audit-log <file>',
      'SQLite file of the dashboard audit log (default: dashboard-audit.db next to the store)',
    )
    .addOption(
      new Option(
        '--allowed-host <name>',
        'a host name the dashboard answers to besides loopback and the bound address (repeatable)',
      )
        .argParser(collect)
        .default([], 'none'),
    )
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--secure-cookies', 'mark session cookies Secure on plain HTTP (a TLS proxy in front)')
    .option('--config <file>', 'golive.yaml whose review signed-in roles may start from the page')
    .option('--target <target>', 'with --config: "embedded" reviews the reference site in-process')
    .option('--profile <name>', 'with --config --target embedded: reference-site profile')
    .option('--hash-token', 'print a new token and its SHA-256 (or hash a token read from stdin)')
    .option('--quiet', 'do not print one line per request')
    .action(async (opts: ServeOpts) => {
      if (opts.hashToken) {
        await printTokenHash();
        setExit(0);
        return;
      }
      const port = parsePort(opts.port);
      const users = opts.users ? loadUsers(opts.users) : undefined;
      const tls = readTls(opts);
      const location = resolveStoreLocation({ flag: opts.store, env: process.env });
      const auditFile =
        opts.auditLog ??
        (isPostgresUrl(location)
          ? join('.golive', 'dashboard-audit.db')
          : join(dirname(location), 'dashboard-audit.db'));
      const reviews = serveReview(opts, { store: location, version: VERSION });
      const store = await openEvidenceStore(location, { create: false, schema: opts.schema });
      let server;
      try {
        server = await startServer({
          store,
          users,
          auditFile,
          version: VERSION,
          host: opts.host,
          port,
          allowedHosts: opts.allowedHost,
          ...(tls ? { tls } : {}),
          secureCookies: opts.secureCookies === true,
          ...(reviews ? { reviews } : {}),
          log: (line) => {
            if (!opts.quiet || line.startsWith('internal') || line.startsWith('audit'))
              process.stderr.write(`${line}\n`);
          },
        });
      } catch (err) {
        await store.close();
        const code = (err as NodeJS.ErrnoException).code;
        if (tls && /^ERR_OSSL|^ERR_SSL/.test(code ?? '')) {
          throw new UserError('E_TLS', `the TLS certificate or key is not usable (${code})`, {
            location: { file: opts.tlsCert! },
            hint: 'pass a PEM certificate and the private key that belongs to it',
          });
        }
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new UserError('E_LISTEN', `cannot listen on ${opts.host}:${port} (${code})`, {
            hint:
              code === 'EADDRINUSE' ? 'pick another --port, or 0 for a free one' : 'check --host',
          });
        }
        throw err;
      }
      const out = (s: string) => process.stdout.write(`${s}\n`);
      out(`golive dashboard: ${server.url}`);
      out(`  evidence store: ${store.location}`);
      out(`  audit log:      ${auditFile}`);
      if (!users) {
        out('  no --users file: read-only, answering loopback requests (this machine) only');
      } else {
        out(`  users: ${users.length} from ${opts.users}`);
        if (!isLoopbackHost(opts.host) && !tls && !opts.secureCookies)
          out('  plain HTTP beyond this machine: use --tls-cert/--tls-key or a TLS proxy in front');
      }
      if (opts.allowedHost.length) out(`  also answers to: ${opts.allowedHost.join(', ')}`);
      if (reviews)
        out(`  review: ${reviews.label} (Start review, for attestors, approvers, admins)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await store.close();
      out('dashboard stopped');
      setExit(0);
    });
};
