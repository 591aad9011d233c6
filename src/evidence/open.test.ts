import { describe, expect, it } from 'vitest';
import { isPostgresUrl, resolveStoreLocation } from './open.js';
import { redactUrl, withDefaultUser } from './postgres.js';

describe('choosing the store', () => {
  const cases: [string, Parameters<typeof resolveStoreLocation>[0], string][] = [
    ['default', {}, '.golive/evidence.db'],
    ['config file', { config: { store: 'x.db' } }, 'x.db'],
    [
      'config backend postgres, default URL',
      { config: { backend: 'postgres' } },
      'postgres://127.0.0.1:5432/test',
    ],
    [
      'config backend postgres, GOLIVE_PG_URL',
      { config: { backend: 'postgres' }, env: { GOLIVE_PG_URL: 'postgres://db/x' } },
      'postgres://db/x',
    ],
    [
      'environment beats config',
      { config: { store: 'x.db' }, env: { GOLIVE_STORE: 'env.db' } },
      'env.db',
    ],
    [
      'flag beats all',
      { flag: 'flag.db', config: { store: 'x.db' }, env: { GOLIVE_STORE: 'env.db' } },
      'flag.db',
    ],
  ];
  it.each(cases)('%s', (_n, choice, expected) => {
    expect(resolveStoreLocation(choice)).toBe(expected);
  });

  it('tells URLs from files', () => {
    expect(isPostgresUrl('postgresql://h/db')).toBe(true);
    expect(isPostgresUrl('./postgres.db')).toBe(false);
  });

  it('fills in a user name, and never prints a password', () => {
    expect(withDefaultUser('postgres://u@h:5432/db')).toBe('postgres://u@h:5432/db');
    expect(new URL(withDefaultUser('postgres://h:5432/db')).username).not.toBe('');
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });
});
