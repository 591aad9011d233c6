// Identity matcher on the FEBRL data sets: pairwise precision and recall (truth from the record
// ids: rec-N-org and rec-N-dup-k are one person) and time, at the default threshold.
import { DEFAULT_THRESHOLD, findDuplicates, loadRoster } from '../dist/lint/index.js';
import { corpusOrExit } from './corpora.mjs';

const dir = corpusOrExit('identity/febrl', 'identity matcher precision/recall on FEBRL');
const group = (id) => id.split('-')[1];
console.log(
  `threshold ${DEFAULT_THRESHOLD} (goal: precision >= 0.95, recall >= 0.90 on dataset2 and dataset3)`,
);
for (const name of ['dataset1', 'dataset2', 'dataset3']) {
  const people = loadRoster(`${dir}/${name}.csv`);
  const sizes = new Map();
  for (const p of people) sizes.set(group(p.id), (sizes.get(group(p.id)) ?? 0) + 1);
  let truth = 0;
  for (const k of sizes.values()) truth += (k * (k - 1)) / 2;
  const t0 = performance.now();
  const { pairs, stats } = findDuplicates(people);
  const ms = performance.now() - t0;
  const tp = pairs.filter((p) => group(p.a.id) === group(p.b.id)).length;
  console.log(
    `${name}: ${people.length} records, ${truth} true pairs, ${pairs.length} found, precision ${(tp / pairs.length).toFixed(3)}, recall ${(tp / truth).toFixed(3)}, ${stats.comparisons.toLocaleString('en-US')} comparisons (of ${((people.length * (people.length - 1)) / 2).toLocaleString('en-US')}), ${ms.toFixed(0)} ms`,
  );
}
