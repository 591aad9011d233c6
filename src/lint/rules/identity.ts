/**
 * identity.*: one identifier means one person and one person has one identifier.
 * The primary identifier is PID-3 (typed MR, table 0203) with its assigning authority (CX-4);
 * merges and identifier changes retire the MRG-1 identifier (v2.5.1 chapter 3: A34, A36, A40,
 * A47). State: demographics per MRN, a blocking index for probable duplicates, retired MRNs.
 */
import { detach } from '../fast-fields.js';
import { HashedMap, PartsHash } from '../hashed-map.js';
import { blockingKeys, scorePair } from '../identity/matcher.js';
import { foldName, prepare, type Prepared } from '../identity/person.js';
import type { SiteFacts } from '../config.js';
import type { MessageRef, Rule, RuleContext } from '../types.js';
import { identifierKey, type MessageView } from '../view.js';
import { priorIdentifiers, type Identifier } from '../../hl7/index.js';

/** ADT events that legitimately change demographics (update, change, merge): v2.5.1 3.3. */
const UPDATE_EVENTS = new Set(['A08', 'A31', 'A28', 'A05', 'A47', 'A40', 'A34', 'A36', 'A18']);
/** Events whose MRG-1 identifier stops being valid afterwards. */
const RETIRING_EVENTS = new Set(['A34', 'A36', 'A40', 'A47']);

/** PID fields whose raw text decides whether a person's demographics need reading again. */
const SIG_FIELDS = [5, 7, 8, 11] as const;

/**
 * One person per MRN: the prepared (normalised) demographics and the raw PID-5/7/8/11 they
 * came from, all copies (see detach), so the state is a few hundred bytes per distinct person
 * however many messages mention them.
 */
interface PersonState {
  who: Who;
  prepared: Prepared;
  /** Raw PID-5, 7, 8, 11: an identical next message needs no normalising again. */
  sig: string[];
  at: MessageRef;
  /** Conflicts already reported for this MRN (`field=value`), so each is reported once. */
  reported?: Set<string>;
}

/** An MRN: its key (`id^authority`, for messages) and parts (for lookups). */
interface Who {
  key: string;
  id: string;
  authority?: string;
}

interface Seen {
  who: Who;
  isNew: boolean;
  /** Stored demographics before this message (undefined for a new MRN). */
  before?: PersonState;
  now: Prepared;
}

const STREAM_KEYS = /^(fy|gy|d|n|pf|id):/;

/** The person of the message being linted (shared by the identity rules; refilled per message). */
const SEEN: { view?: MessageView; seen?: Seen } = {};

function sameSig(sig: readonly string[], pid: readonly string[]): boolean {
  for (let i = 0; i < SIG_FIELDS.length; i++)
    if (sig[i] !== (pid[SIG_FIELDS[i]!] ?? '')) return false;
  return true;
}

const newPeople = (f: SiteFacts) => new HashedMap<PersonState>(f.maxKeys);
const newBlocks = (f: SiteFacts) => new HashedMap<Who[]>(f.maxKeys);
const newRetired = (f: SiteFacts) =>
  new HashedMap<{ survivor?: string; at: MessageRef }>(f.maxKeys);
const people = (ctx: RuleContext) => ctx.state('identity.people', newPeople);

const KEY = new PartsHash();
const BLOCK = new PartsHash();
/** Lookup key of an identifier (CX-1 and CX-4.1): identifierKey's parts, hashed. */
const idKey = (id: string, authority: string | undefined) => KEY.reset().add(id).add(authority);

/** Record the message's person once per message, shared by the identity rules. */
function seen(ctx: RuleContext): Seen | undefined {
  const { view } = ctx;
  if (SEEN.view === view) return SEEN.seen;
  SEEN.view = view;
  SEEN.seen = undefined;
  const primary = view.primaryId;
  const pid = view.pid;
  if (!primary || !pid) return undefined;
  const map = people(ctx);
  const before = map.get(idKey(primary.id, primary.authority));
  if (before && sameSig(before.sig, pid))
    return (SEEN.seen = { who: before.who, isNew: false, before, now: before.prepared });
  const kept = (v: string | undefined) => (v === undefined ? v : detach(v));
  const who: Who = before?.who ?? {
    key: detach(view.mrn!),
    id: detach(primary.id),
    authority: kept(primary.authority),
  };
  const p = view.demographics()!;
  const now = prepare({
    id: who.key,
    given: kept(p.given),
    family: kept(p.family),
    birthDate: kept(p.birthDate),
    sex: kept(p.sex),
    street: kept(p.street),
    city: kept(p.city),
    postcode: kept(p.postalCode),
    state: kept(p.state),
  });
  // Keep only what later messages read: the normalised fields, and the names as sent (for the
  // conflict message); not every raw PID value.
  now.person = { id: who.key, given: now.person.given, family: now.person.family };
  const sig = SIG_FIELDS.map((n) => detach(pid[n] ?? ''));
  const authoritative = view.type.code === 'ADT' && UPDATE_EVENTS.has(view.type.trigger);
  if (!before) map.add(idKey(who.id, who.authority), { who, prepared: now, sig, at: ctx.ref });
  else if (authoritative)
    map.set(idKey(who.id, who.authority), {
      who,
      prepared: now,
      sig,
      at: ctx.ref,
      reported: before.reported,
    });
  return (SEEN.seen = { who, isNew: !before, before, now });
}

// Identity findings are grouped by field with no key: MRNs and names are patient data and must
// not reach a baseline file, so a baseline accepts "conflicting birth dates from this sender".

function conflictFinding(
  ctx: RuleContext,
  who: Who,
  before: PersonState,
  [what, path, was, is]: [string, string, string, string],
): void {
  ctx.report(
    () => ({
      message: `MRN ${who.key.replace(/\^$/, '')} has ${what} "${is}" here but "${was}" in message #${before.at.index} of ${before.at.file}`,
      path,
      detail: { mrn: who.key, field: what, earlier: was, now: is, first: before.at },
    }),
    path,
  );
}

function retiredFinding(
  ctx: RuleContext,
  id: Identifier,
  i: number,
  r: { survivor?: string; at: MessageRef },
): void {
  ctx.report(
    () => ({
      message: `PID-3 uses MRN ${id.id} that was retired by the merge in message #${r.at.index} of ${r.at.file}${r.survivor ? ` (now ${r.survivor.replace(/\^$/, '')})` : ''}`,
      path: `PID-3[${i + 1}]`,
      detail: { retired: identifierKey(id), survivor: r.survivor, mergedIn: r.at },
    }),
    'PID-3',
  );
}

interface Match {
  key: string;
  score: number;
  agree: string[];
  at: MessageRef;
}

function duplicateFinding(ctx: RuleContext, me: Who, found: Match): void {
  ctx.report(
    () => ({
      message: `MRN ${me.key.replace(/\^$/, '')} probably is the same person as MRN ${found.key.replace(/\^$/, '')} (message #${found.at.index} of ${found.at.file}): score ${found.score.toFixed(2)}, agreeing on ${found.agree.join(', ')}`,
      path: 'PID-3',
      detail: {
        mrn: me.key,
        other: found.key,
        score: Number(found.score.toFixed(3)),
        agree: found.agree,
        first: found.at,
      },
    }),
    'PID-3',
  );
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
    if (!s?.before || s.now === s.before.prepared) return;
    if (ctx.view.type.code === 'ADT' && UPDATE_EVENTS.has(ctx.view.type.trigger)) return;
    const before = s.before;
    const a = before.prepared;
    const b = s.now;
    const diffs: [string, string, string, string][] = [];
    if (a.family && b.family && a.family !== b.family)
      diffs.push(['family name', 'PID-5.1', a.person.family!, b.person.family!]);
    if (a.given && b.given && a.given !== b.given)
      diffs.push(['given name', 'PID-5.2', a.person.given!, b.person.given!]);
    if (a.birthDate && b.birthDate && a.birthDate !== b.birthDate)
      diffs.push(['birth date', 'PID-7', a.birthDate, b.birthDate]);
    if (a.sex && b.sex && a.sex !== b.sex) diffs.push(['sex', 'PID-8', a.sex, b.sex]);
    for (const d of diffs) {
      const sig = `${d[1]}=${foldName(d[3]) || d[3]}`;
      const reported = (before.reported ??= new Set());
      if (reported.has(sig) || reported.size > 16) continue;
      reported.add(detach(sig));
      conflictFinding(ctx, s.who, before, d);
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
    const me = s.who;
    const authority = me.authority ?? '';
    const index = ctx.state('identity.blocks', newBlocks);
    const known = people(ctx);
    const compared = new Set<string>();
    let best: Match | undefined;
    // Streaming uses the name and birth date keys only (address keys add work, little recall).
    for (const bk of blockingKeys(s.now).filter((k) => STREAM_KEYS.test(k))) {
      const block = BLOCK.reset().add(bk);
      const members = index.get(block);
      if (!members) {
        index.add(block, [me]);
        continue;
      }
      for (const other of members) {
        // At most 32 comparisons per new MRN: bounded work whatever the block sizes.
        if (other.key === me.key || compared.has(other.key) || compared.size >= 32) continue;
        compared.add(other.key);
        // Identifiers from different authorities are different namespaces, not duplicates.
        if ((other.authority ?? '') !== authority) continue;
        const o = known.get(idKey(other.id, other.authority));
        if (!o) continue;
        const r = scorePair(s.now, o.prepared);
        if (r.score >= ctx.facts.identityThreshold && (!best || r.score > best.score))
          best = { key: other.key, score: r.score, agree: r.agree, at: o.at };
      }
      // Blocks keep the most recent members only: bounded work and memory per message.
      if (members.length >= 16) members.shift();
      members.push(me);
    }
    if (best) duplicateFinding(ctx, me, best);
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
    const retired = ctx.state('identity.retired', newRetired);
    const { view } = ctx;
    const t = view.type;
    const retiring = t.code === 'ADT' && RETIRING_EVENTS.has(t.trigger);
    if (retired.size === 0 && !retiring) return;
    const ids = view.identifiers;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const r = retired.get(idKey(id.id, id.authority));
      if (r) retiredFinding(ctx, id, i, r);
    }
    if (!retiring) return;
    const current = new Set(ids.map(identifierKey));
    const survivor = view.mrn === undefined ? undefined : detach(view.mrn);
    for (const old of priorIdentifiers(ctx.msg)) {
      // An MRG-1 equal to the surviving PID-3 retires nothing.
      if (!current.has(identifierKey(old)))
        retired.set(idKey(old.id, old.authority), { survivor, at: ctx.ref });
    }
    // A merge back (unmerge, or re-use after A37) revives the survivor if it had been retired.
    for (const id of ids) retired.delete(idKey(id.id, id.authority));
  },
};

export const IDENTITY_RULES: Rule[] = [conflicting, probableDuplicate, retiredMrn];
