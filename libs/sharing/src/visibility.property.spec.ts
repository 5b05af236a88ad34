import fc from 'fast-check';
import {
  REFERENCE_NOW,
  ReferenceRead,
  ReferenceSearch,
  ReferenceWorld,
  arbitraryRead,
  arbitrarySearch,
  arbitraryWorld,
  legalContextOf,
  referenceIsVisible,
  referenceWithheldOwners,
} from '../../../test/support/reference-visibility';
import { SearchBasis, SharingWorld, sharingWorldOf } from './sharing-policy';
import { VisibilityDecision, decideVisibility } from './visibility';
import { buildVisibilityFilter, isReadVisible, narrowDecisionToOwners } from './visibility-filter';

type Read = { agencyId: string; capturedAt: Date };
type Clause = Record<string, unknown>;

const asList = (clauses: unknown): Clause[] =>
  clauses === undefined ? [] : Array.isArray(clauses) ? (clauses as Clause[]) : [clauses as Clause];

/** Just enough of Elasticsearch's query semantics to run the filter we build against an in-memory read. */
function queryMatches(query: Clause, read: Read): boolean {
  if ('match_all' in query) return true;
  if ('terms' in query) {
    const [[field, values]] = Object.entries(query.terms as Record<string, string[]>);
    return values.includes(read[field as keyof Read] as string);
  }
  if ('range' in query) {
    const [[field, bounds]] = Object.entries(query.range as Record<string, Record<string, string>>);
    const value = (read[field as keyof Read] as Date).getTime();
    return Object.entries(bounds).every(([operator, bound]) => {
      const limit = Date.parse(bound);
      if (operator === 'gt') return value > limit;
      if (operator === 'gte') return value >= limit;
      if (operator === 'lt') return value < limit;
      if (operator === 'lte') return value <= limit;
      throw new Error(`unsupported range operator ${operator}`);
    });
  }
  if ('bool' in query) {
    const bool = query.bool as Record<string, unknown>;
    const should = asList(bool.should);
    const minimumShouldMatch = (bool.minimum_should_match as number | undefined) ?? (should.length > 0 ? 1 : 0);
    return (
      asList(bool.filter).every((clause) => queryMatches(clause, read)) &&
      asList(bool.must).every((clause) => queryMatches(clause, read)) &&
      !asList(bool.must_not).some((clause) => queryMatches(clause, read)) &&
      should.filter((clause) => queryMatches(clause, read)).length >= minimumShouldMatch
    );
  }
  throw new Error(`unsupported clause ${JSON.stringify(query)}`);
}

function sharingWorldFrom(world: ReferenceWorld): SharingWorld {
  const declarations = (world.declarations ?? []).map((declaration, index) => ({ ...declaration, id: `d${index}`, expiresAt: declaration.expiresAt.toISOString() }));
  return sharingWorldOf(world.agencies, world.jurisdictions, declarations);
}

function decided(world: ReferenceWorld, search: ReferenceSearch): VisibilityDecision {
  const basis: SearchBasis = { offenseLevel: search.offenseLevel, legalReference: search.legalReference !== undefined, at: REFERENCE_NOW };
  return decideVisibility(sharingWorldFrom(world), search.searcherId, search.purpose, search.scope, basis);
}

function visibleByReference(world: ReferenceWorld, search: ReferenceSearch, read: ReferenceRead): boolean {
  return referenceIsVisible(
    world.agencies, world.jurisdictions, search.searcherId, search.purpose, search.scope, read, REFERENCE_NOW, legalContextOf(world, search, REFERENCE_NOW),
  );
}

const worldSearchAndReads = arbitraryWorld().chain((world) => {
  const agencyIds = world.agencies.map((agency) => agency.id);
  return fc.record({
    world: fc.constant(world),
    search: arbitrarySearch([...agencyIds, 'unregistered-agency'], world.purposesInPlay),
    reads: fc.array(arbitraryRead([...agencyIds, 'unregistered-agency']), { minLength: 1, maxLength: 20 }),
  });
});

describe('visibility against the literal reading of CONTRACT §3', () => {
  it('decides every read exactly as the reference does', () => {
    fc.assert(
      fc.property(worldSearchAndReads, ({ world, search, reads }) => {
        const decision = decided(world, search);
        for (const read of reads) {
          const expected = visibleByReference(world, search, read);
          expect(isReadVisible(decision, read, REFERENCE_NOW)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('builds an Elasticsearch filter that matches exactly the reads the reference shows', () => {
    fc.assert(
      fc.property(worldSearchAndReads, ({ world, search, reads }) => {
        const filter = buildVisibilityFilter(
          decided(world, search),
          REFERENCE_NOW,
        );
        for (const read of reads) {
          const expected = visibleByReference(world, search, read);
          expect(queryMatches(filter, read)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('narrowed to any set holding the owners of the reads, the filter still matches exactly the reads the reference shows', () => {
    fc.assert(
      fc.property(worldSearchAndReads, fc.array(fc.string({ maxLength: 4 })), ({ world, search, reads }, strangers) => {
        const decision = decided(world, search);
        // What an owner probe answers: the owners of the matching reads, and possibly owners nobody registered.
        const filter = buildVisibilityFilter(narrowDecisionToOwners(decision, [...reads.map((read) => read.agencyId), ...strangers]), REFERENCE_NOW);
        for (const read of reads) {
          const expected = visibleByReference(world, search, read);
          expect(queryMatches(filter, read)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('narrowed to any set at all, the filter never matches a read the reference hides (fail-closed)', () => {
    fc.assert(
      fc.property(worldSearchAndReads, fc.func(fc.boolean()), ({ world, search, reads }, keep) => {
        const decision = decided(world, search);
        const someOwners = [...world.agencies.map((agency) => agency.id), 'unregistered-agency'].filter((id) => keep(id));
        const filter = buildVisibilityFilter(narrowDecisionToOwners(decision, someOwners), REFERENCE_NOW);
        for (const read of reads) {
          const visible = visibleByReference(world, search, read);
          expect(queryMatches(filter, read)).toBe(visible && someOwners.includes(read.agencyId));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('withholds, among owners holding reads younger than their retention, the owners the contract-text reference withholds, for the same reasons', () => {
    fc.assert(
      fc.property(worldSearchAndReads, ({ world, search, reads }) => {
        const decision = decided(world, search);
        // The decision knows no reads; the audit narrows its withheld owners to those holding matching reads.
        // Here every read matches (no criteria), so those are the owners with a read inside their retention.
        const holding = new Set(
          reads
            .filter((read) => {
              const owner = world.agencies.find((agency) => agency.id === read.agencyId);
              const rule = world.jurisdictions.find((jurisdiction) => jurisdiction.state === owner?.state);
              const retentionDays = Math.min(owner?.retentionDays ?? 0, rule?.maxRetentionDays ?? Infinity);
              return REFERENCE_NOW.getTime() - read.capturedAt.getTime() < retentionDays * 86_400_000;
            })
            .map((read) => read.agencyId),
        );
        // The searcher's own reads a legal-basis rule keeps from it are in the decision too; the §4 reference lists other owners.
        const withheldOthers = decision.withheldOwners
          .filter((owner) => holding.has(owner.agencyId) && owner.agencyId !== search.searcherId)
          .map((owner) => ({ agencyId: owner.agencyId, reasons: [...owner.reasons].sort() }));
        const expected = referenceWithheldOwners(world, search, reads, REFERENCE_NOW).map((owner) => ({
          agencyId: owner.agencyId,
          reasons: [...owner.reasons].sort(),
        }));
        expect(withheldOthers).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
