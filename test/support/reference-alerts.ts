import fc from 'fast-check';
import type { SearchPurpose } from '@platekeeper/sharing';
import {
  OCR_LOOK_ALIKE_GROUPS, ReferenceRead, ReferenceScenario, ReferenceWorld, arbitraryScenario, referenceIsVisible, referenceNormalisePlate,
} from './reference-visibility';

/**
 * Hotlist alerts read from the text, independently of the production code (types only from the libs):
 * an entry of agency R with purpose P and plate X alerts on a read of owner O iff the entry is live, the read's plate
 * equals X (exact) or equals it once every OCR look-alike is folded (look_alike), and a national search by R with
 * purpose P could see the read now (CONTRACT §3, `referenceIsVisible`).
 */
export interface ReferenceEntry {
  entryId: string;
  agencyId: string;
  purpose: SearchPurpose;
  plate: string;
  expired: boolean;
}

export interface ReferenceAlert {
  entryId: string;
  readId: string;
  matchKind: 'exact' | 'look_alike';
}

function fold(plate: string): string {
  return [...plate].map((character) => OCR_LOOK_ALIKE_GROUPS.find((group) => group.includes(character))?.[0] ?? character).join('');
}

export function referenceMatchKind(entryPlate: string, readPlate: string): 'exact' | 'look_alike' | undefined {
  const wanted = referenceNormalisePlate(entryPlate);
  const seen = referenceNormalisePlate(readPlate);
  if (seen === wanted) return 'exact';
  return fold(seen) === fold(wanted) ? 'look_alike' : undefined;
}

export function referenceAlerts(world: ReferenceWorld, entries: ReferenceEntry[], reads: ReferenceRead[], now: Date): ReferenceAlert[] {
  const alerts: ReferenceAlert[] = [];
  for (const entry of entries) {
    if (entry.expired) continue;
    for (const read of reads) {
      if (read.plate === undefined) continue;
      const matchKind = referenceMatchKind(entry.plate, read.plate);
      if (matchKind === undefined) continue;
      if (!referenceIsVisible(world.agencies, world.jurisdictions, entry.agencyId, entry.purpose, 'national', read, now)) continue;
      alerts.push({ entryId: entry.entryId, readId: read.readId!, matchKind });
    }
  }
  return alerts;
}

/** Matches a rule kept from alerting (the read matched the entry's plate, the national search could not see it). */
export function referenceWithheldMatches(world: ReferenceWorld, entries: ReferenceEntry[], reads: ReferenceRead[], now: Date): number {
  let withheld = 0;
  for (const entry of entries) {
    for (const read of reads) {
      if (entry.expired || read.plate === undefined || referenceMatchKind(entry.plate, read.plate) === undefined) continue;
      if (!referenceIsVisible(world.agencies, world.jurisdictions, entry.agencyId, entry.purpose, 'national', read, now)) withheld++;
    }
  }
  return withheld;
}

/**
 * The visibility property's scenario with hotlist entries: every search with a plate becomes an entry of its
 * searcher, with its purpose (so the spotlighted clause decides an alert as it decides that search), and about one
 * entry in eight has already expired.
 */
export function arbitraryHotlistScenario(options: { states: string[]; now: Date; boundaryMarginMs: number }) {
  return arbitraryScenario(options).chain((scenario: ReferenceScenario) => {
    const plated = scenario.searches.filter((search) => search.criteria?.plate !== undefined && search.criteria.plateMatch !== 'partial'
      && referenceNormalisePlate(search.criteria.plate) !== '');
    return fc.array(fc.integer({ min: 0, max: 7 }), { minLength: plated.length, maxLength: plated.length }).map((draws) => ({
      scenario,
      entries: plated.map((search, index): Omit<ReferenceEntry, 'entryId'> => ({
        agencyId: search.searcherId, purpose: search.purpose, plate: referenceNormalisePlate(search.criteria!.plate!), expired: draws[index] === 0,
      })),
    }));
  });
}
