export { prepare, foldName, type Person, type Prepared } from './person.js';
export { scorePair, blockingKeys, type MatchScore } from './matcher.js';
export {
  findDuplicates,
  capReached,
  DEFAULT_THRESHOLD,
  DEFAULT_MAX_PAIRS,
  DEFAULT_MAX_COMPARISONS,
  type MatchOptions,
  type MatchPair,
  type MatchStats,
} from './match.js';
export { loadRoster, ROSTER_DOCS } from './roster.js';
export {
  matchRoster,
  identityOptions,
  capNote,
  type IdentityFlags,
  type IdentityOutput,
} from './command.js';
