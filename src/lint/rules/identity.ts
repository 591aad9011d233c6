/**
 * identity.*: one identifier means one person and one person has one identifier.
 * The primary identifier is PID-3 (typed MR, table 0203) with its assigning authority (CX-4);
 * merges and identifier changes retire the MRG-1 identifier (v2.5.1 chapter 3: A34, A36, A40,
 * A47). State: demographics per MRN, a blocking index for probable duplicates, retired MRNs.
 */
import { BoundedMap } from '../bounded-map.js';
import { blockingKeys, scorePair } from '../identity/matcher.js';
import { foldName, prepare, type Prepared } from '../identity/person.js';
import type { MessageRef, Rule, RuleContext } from '../types.js';
import { identifierKey } from '../view.js';
import { priorIdentifiers } from '../../hl7/index.js';

/** ADT events that legitimately change demographics (update, change, merge): v2.5.1 3.3. */
const UPDATE_EVENTS = new Set(['A08', 'A31', 'A28', 'A05', 'A47', 'A40', 'A34', 'A36', 'A18']);
/** Events whose MRG-1 identifier stops being valid afterwards. */
const RETIRING_EVENTS = new Set(['A34', 'A36', 'A40', 'A47']);

interface PersonState {
  prepared: Prepared;
  /** Raw PID-5, 7, 8, 11: an identical next message needs no normalising again. */
  sig: string;
  at: MessageRef;
  /** Conflicts already reported for this MRN (`field=value`), so each is reported once. */
  reported?: Set<string>;
}

interface Seen {
  key: string;
  isNew: boolean;
  /** Stored demographics before this message (undefined for a new MRN). */
  before?: PersonState;
  now: Prepared;
}

const STREAM_KEYS = /^(fy|gy|d|n|pf|id):/;

const seenCache = new WeakMap<object, Seen | null>();

/** Record the message's person once per message, shared by the identity rules. */
function seen(ctx: RuleContext): Seen | undefined {
  const hit = seenCache.get(ctx.view);
  if (hit !== undefined) return hit ?? undefined;
  const key = ctx.view.mrn;
  const p = ctx.view.patient;
  if (!key || !p) {
    seenCache.set(ctx.view, null);
    return undefined;
  }
  const people = ctx.state(
    'identity.people',
    () => new BoundedMap<string, PersonState>(ctx.facts.maxKeys),
  );
  const before = people.get(key);
  const pid = ctx.msg.segments.find((x) => x.id === 'PID')!.fields;
  const sig = `${pid[5] ?? ''}|${pid[7] ?? ''}|${pid[8] ?? ''}|${pid[11] ?? ''}`;
  if (before && before.sig === sig) {
    const same: Seen = { key, isNew: false, before, now: before.prepared };
    seenCache.set(ctx.view, same);
    return same;
  }
  const now = prepare({
    id: key,
    given: p.given,
    family: p.family,
    birthDate: p.birthDate?.text,
    sex: p.sex,
    street: p.address?.street,
    city: p.address?.city,
    postcode: p.address?.postalCode,
    state: p.address?.state,
  });
  const authoritative = ctx.view.type.code === 'ADT' && UPDATE_EVENTS.has(ctx.view.type.trigger);
  if (!before) people.set(key, { prepared: now, sig, at: ctx.ref });
  else if (authoritative)
    people.set(key, { prepared: now, sig, at: ctx.ref, reported: before.reported });
  const out: Seen = { key, isNew: !before, before, now };
  seenCache.set(ctx.view, out);
  return out;
}

const conflicting: Rule = {
  id: 'identity.conflicting-demographics',
  family: 'identity',
  domain: 'interop',
  severity: 'error',
  rationale:
    'One MRN with two names, birth dates or sexes means two people share a chart (or one is mistyped).',
  action:
    'Reconcile the record in the MPI; make the sender send updates as A08/A31 so receivers follow.',
  check(ctx) {
    const s = seen(ctx);
    if (!s?.before) return;
    if (ctx.view.type.code === 'ADT' && UPDATE_EVENTS.has(ctx.view.type.trigger)) return;
    const a = s.before.prepared;
    const b = s.now;
    const diffs: [string, string, string, string][] = [];
    if (a.family && b.family && a.family !== b.family)
      diffs.push(['family name', 'PID-5.1', a.person.family!, b.person.family!]);
    if (a.given && b.given && a.given !== b.given)
      diffs.push(['given name', 'PID-5.2', a.person.given!, b.person.given!]);
    if (a.birthDate && b.birthDate && a.birthDate !== b.birthDate)
      diffs.push(['birth date', 'PID-7', a.birthDate, b.birthDate]);
    if (a.sex && b.sex && a.sex !== b.sex) diffs.push(['sex', 'PID-8', a.sex, b.sex]);
    for (const [what, path, was, is] of diffs) {
      const sig = `${path}=${foldName(is) || is}`;
      const reported = (s.before.reported ??= new Set());
      if (reported.has(sig) || reported.size > 16) continue;
      reported.add(sig);
      ctx.report({
        message: `MRN ${s.key.replace(/\^$/, '')} has ${what} "${is}" here but "${was}" in message #${s.before.at.index} of ${s.before.at.file}`,
        path,
        detail: { mrn: s.key, field: what, earlier: was, now: is, first: s.before.at },
      });
    }
  },
};

const probableDuplicate: Rule = {
  id: 'identity.probable-duplicate',
  family: 'identity',
  domain: 'interop',
  severity: 'warning',
  rationale: 'Two MRNs for one person split the chart: results land where clinicians do not look.',
  action:
    'Review the pair in the MPI and merge (A40) if they are one person; check the registration search.',
  check(ctx) {
    const s = seen(ctx);
    if (!s?.isNew) return;
    const authority = s.key.slice(s.key.indexOf('^') + 1);
    const index = ctx.state(
      'identity.blocks',
      () => new BoundedMap<string, string[]>(ctx.facts.maxKeys),
    );
    const people = ctx.state(
      'identity.people',
      () => new BoundedMap<string, PersonState>(ctx.facts.maxKeys),
    );
    const compared = new Set<string>();
    let best: { key: string; score: number; agree: string[]; at: MessageRef } | undefined;
    // Streaming uses the name and birth date keys only (address keys add work, little recall).
    for (const bk of blockingKeys(s.now).filter((k) => STREAM_KEYS.test(k))) {
      const members = index.get(bk);
      if (!members) {
        index.set(bk, [s.key]);
        continue;
      }
      for (const other of members) {
        // At most 32 comparisons per new MRN: bounded work whatever the block sizes.
        if (other === s.key || compared.has(other) || compared.size >= 32) continue;
        compared.add(other);
        // Identifiers from different authorities are different namespaces, not duplicates.
        if (other.slice(other.indexOf('^') + 1) !== authority) continue;
        const o = people.peek(other);
        if (!o) continue;
        const r = scorePair(s.now, o.prepared);
        if (r.score >= ctx.facts.identityThreshold && (!best || r.score > best.score))
          best = { key: other, score: r.score, agree: r.agree, at: o.at };
      }
      // Blocks keep the most recent members only: bounded work and memory per message.
      if (members.length >= 16) members.shift();
      members.push(s.key);
    }
    if (!best) return;
    ctx.report({
      message: `MRN ${s.key.replace(/\^$/, '')} probably is the same person as MRN ${best.key.replace(/\^$/, '')} (message #${best.at.index} of ${best.at.file}): score ${best.score.toFixed(2)}, agreeing on ${best.agree.join(', ')}`,
      path: 'PID-3',
      detail: {
        mrn: s.key,
        other: best.key,
        score: Number(best.score.toFixed(3)),
        agree: best.agree,
        first: best.at,
      },
    });
  },
};

const retiredMrn: Rule = {
  id: 'identity.retired-mrn',
  family: 'identity',
  domain: 'interop',
  severity: 'error',
  rationale: 'A message that still uses an MRN retired by a merge files data on the dead record.',
  action: 'Make every downstream system apply merges (A40/A34) and stop sending the old MRN.',
  check(ctx) {
    const retired = ctx.state(
      'identity.retired',
      () => new BoundedMap<string, { survivor?: string; at: MessageRef }>(ctx.facts.maxKeys),
    );
    const ids = ctx.view.patient?.identifiers ?? [];
    ids.forEach((id, i) => {
      const r = retired.get(identifierKey(id));
      if (!r) return;
      ctx.report({
        message: `PID-3 uses MRN ${id.id} that was retired by the merge in message #${r.at.index} of ${r.at.file}${r.survivor ? ` (now ${r.survivor.replace(/\^$/, '')})` : ''}`,
        path: `PID-3[${i + 1}]`,
        detail: { retired: identifierKey(id), survivor: r.survivor, mergedIn: r.at },
      });
    });
    const t = ctx.view.type;
    if (t.code !== 'ADT' || !RETIRING_EVENTS.has(t.trigger)) return;
    const current = new Set(ids.map(identifierKey));
    for (const old of priorIdentifiers(ctx.msg)) {
      const k = identifierKey(old);
      // An MRG-1 equal to the surviving PID-3 retires nothing.
      if (!current.has(k)) retired.set(k, { survivor: ctx.view.mrn, at: ctx.ref });
    }
    // A merge back (unmerge, or re-use after A37) revives the survivor if it had been retired.
    for (const k of current) retired.delete(k);
  },
};

export const IDENTITY_RULES: Rule[] = [conflicting, probableDuplicate, retiredMrn];
