import {
  AgencyProfile, JurisdictionRule, SearchPurpose, SearchScope, SharingWorld, VisibilityDecision, decideVisibility,
} from '@platekeeper/sharing';

const MAX_DECISIONS_PER_WORLD = 20_000;

/**
 * One version of the sharing world and the visibility decisions made under it, each computed once per
 * searcher, purpose and scope. A new version is a new snapshot, so no decision outlives the world it was made in.
 */
export class WorldSnapshot implements SharingWorld {
  readonly agencies: ReadonlyMap<string, AgencyProfile>;
  readonly jurisdictions: ReadonlyMap<string, JurisdictionRule>;
  private readonly decisions = new Map<string, VisibilityDecision>();

  constructor(world: SharingWorld) {
    this.agencies = world.agencies;
    this.jurisdictions = world.jurisdictions;
  }

  decide(searcherAgencyId: string, purpose: SearchPurpose, scope: SearchScope): VisibilityDecision {
    const key = `${searcherAgencyId}|${purpose}|${scope}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = decideVisibility(this, searcherAgencyId, purpose, scope);
      if (this.decisions.size >= MAX_DECISIONS_PER_WORLD) this.decisions.clear();
      this.decisions.set(key, decision);
    }
    return decision;
  }
}
