import { declarationExpiries } from './legal-basis';
import { AgencyProfile, JurisdictionRule, SearchBasis, SearchPurpose, SearchScope, SearcherDeclaration, SharingWorld } from './sharing-policy';
import { VisibilityDecision, decideVisibility } from './visibility';

const MAX_DECISIONS_PER_WORLD = 20_000;

/**
 * One version of the sharing world and the visibility decisions made under it, each computed once per
 * searcher, purpose, scope and stated legal basis. A new version is a new snapshot, so no decision outlives the
 * world it was made in; within one, a decision is reused only between the same two declaration expiries.
 */
export class WorldSnapshot implements SharingWorld {
  readonly agencies: ReadonlyMap<string, AgencyProfile>;
  readonly jurisdictions: ReadonlyMap<string, JurisdictionRule>;
  readonly declarations?: ReadonlyMap<string, readonly SearcherDeclaration[]>;
  private readonly decisions = new Map<string, VisibilityDecision>();
  private readonly expiries: number[];

  /** `version` is the registry version the world was read at (recorded with each search's decision). */
  constructor(world: SharingWorld, readonly version: string = 'unversioned') {
    this.agencies = world.agencies;
    this.jurisdictions = world.jurisdictions;
    this.declarations = world.declarations;
    this.expiries = declarationExpiries(world);
  }

  decide(searcherAgencyId: string, purpose: SearchPurpose, scope: SearchScope, basis?: SearchBasis): VisibilityDecision {
    const key = `${searcherAgencyId}|${purpose}|${scope}|${basis?.offenseLevel ?? ''}|${basis?.legalReference ? 1 : 0}|${this.expiredBy(basis?.at)}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = decideVisibility(this, searcherAgencyId, purpose, scope, basis);
      if (this.decisions.size >= MAX_DECISIONS_PER_WORLD) this.decisions.clear();
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** How many declaration expiries lie at or before `at` ('-' without a time): equal counts, equal declaration answers. */
  private expiredBy(at: Date | undefined): string {
    if (at === undefined) return '-';
    const time = at.getTime();
    let low = 0;
    let high = this.expiries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.expiries[middle] <= time) low = middle + 1;
      else high = middle;
    }
    return String(low);
  }
}
