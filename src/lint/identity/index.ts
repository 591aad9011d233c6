export { prepare, foldName, type Person, type Prepared } from './person.js';
export { scorePair, blockingKeys, type MatchScore } from './matcher.js';
export {
  findDuplicates,
  DEFAULT_THRESHOLD,
  type MatchOptions,
  type MatchPair,
  type MatchStats,
} from './match.js';
export { loadRoster, ROSTER_DOCS } from './roster.js';
