/**
 * How much the property test's generator exercises, without engines: the same scenarios and the same counters
 * as test/visibility.property, over many simulated runs. The coverage floors were set from its output.
 *   npx ts-node -T -P tsconfig.json -r tsconfig-paths/register test/support/simulate-coverage.ts [cases] [runs]
 */
import fc from 'fast-check';
import { addCoverage, arbitraryScenario, emptyCoverage } from './reference-visibility';

const cases = Number(process.argv[2] ?? 100);
const runs = Number(process.argv[3] ?? 200);
const now = new Date();
const counts: Record<string, number[]> = {};
for (let run = 0; run < runs; run++) {
  const coverage = emptyCoverage();
  for (const scenario of fc.sample(arbitraryScenario({ states: ['XA', 'XB', 'XC'], now, boundaryMarginMs: 45 * 60_000 }), { numRuns: cases })) {
    addCoverage(coverage, scenario, now);
  }
  const flat: Record<string, number> = {
    crossAgencyHits: coverage.crossAgencyHits,
    searchesWithReads: coverage.searchesWithReads,
    ...Object.fromEntries(Object.entries(coverage.decidedBy).map(([name, count]) => [`decidedBy.${name}`, count])),
    ...Object.fromEntries(Object.entries(coverage.byMatchKind).map(([name, count]) => [`byMatchKind.${name}`, count])),
  };
  for (const [name, count] of Object.entries(flat)) (counts[name] ??= []).push(count);
}
for (const [name, values] of Object.entries(counts).sort()) {
  const sorted = [...values, ...Array(runs - values.length).fill(0)].sort((left, right) => left - right);
  const at = (share: number) => sorted[Math.floor(share * (sorted.length - 1))];
  console.log(`${name.padEnd(34)} min ${at(0)}  p1 ${at(0.01)}  p5 ${at(0.05)}  median ${at(0.5)}`);
}
