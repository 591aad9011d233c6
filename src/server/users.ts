/**
 * The dashboard's users file (YAML): a name, a role and the SHA-256 of a bearer token per user.
 * Only hashes are stored, so the file can be reviewed and versioned without handing out access.
 *
 *   users:
 *     - name: Dana Reyes
 *       role: approver
 *       token_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../core/index.js';
import { loadYamlFile } from '../inputs/index.js';
import { ROLES, type User } from './types.js';

const userSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  token_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'expected the 64 hex digits printed by `golive serve --hash-token`'),
});

export const usersFileSchema = z.strictObject({ users: z.array(userSchema).min(1) });

/** SHA-256 hex of a token, as stored in the users file. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random bearer token: 32 bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Read and validate a users file. Names and token hashes must each be unique. */
export function loadUsers(file: string): User[] {
  const { value } = loadYamlFile(file, usersFileSchema);
  const names = new Set<string>();
  const hashes = new Set<string>();
  return value.users.map((u, i) => {
    const hash = u.token_sha256.toLowerCase();
    // Sign-in matches names regardless of case and spacing, so those must differ too.
    if (names.has(normalName(u.name))) {
      throw new UserError('E_USERS', `user "${u.name}" is listed twice`, {
        location: { file, path: `users[${i}].name` },
        hint: 'give each person one entry',
      });
    }
    if (hashes.has(hash)) {
      throw new UserError('E_USERS', 'two users share a token', {
        location: { file, path: `users[${i}].token_sha256` },
        hint: 'every person needs their own token (shared accounts defeat the audit log)',
      });
    }
    names.add(normalName(u.name));
    hashes.add(hash);
    return { name: u.name, role: u.role, tokenSha256: hash };
  });
}

/** The user whose token this is, compared in constant time. */
export function findUserByToken(users: readonly User[], token: string): User | undefined {
  const presented = Buffer.from(hashToken(token), 'hex');
  let found: User | undefined;
  for (const u of users) {
    // Every entry is compared, so the time taken does not depend on which one matched.
    if (timingSafeEqual(presented, Buffer.from(u.tokenSha256, 'hex')) && !found) found = u;
  }
  return found;
}

const normalName = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** The user with this name (case and spacing aside), as typed at sign-in. */
export function userNamed(users: readonly User[], name: string): User | undefined {
  const n = normalName(name);
  return users.find((u) => normalName(u.name) === n);
}
