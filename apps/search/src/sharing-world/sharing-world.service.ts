import { Injectable } from '@nestjs/common';
import { RegistrySnapshots, VersionedCache } from '@platekeeper/persistence';
import {
  SearchBasis, SearchPurpose, SearchScope, SharingWorld, VisibilityDecision, decideVisibility, sharingWorldOf,
} from '@platekeeper/sharing';
import { WorldSnapshot } from '@platekeeper/sharing';

/**
 * The live agencies and jurisdiction rules. Every call asks PostgreSQL for the registry's version (one
 * row, bumped by triggers on every change), so a change is in force for the next search on every
 * instance; the full reload happens only when the version moved.
 */
@Injectable()
export class SharingWorldService {
  private readonly world: VersionedCache<WorldSnapshot>;

  constructor(snapshots: RegistrySnapshots) {
    this.world = new VersionedCache(snapshots, async () => {
      const { version, value } = await snapshots.sharingWorld();
      return { version, value: new WorldSnapshot(sharingWorldOf(value.agencies, value.jurisdictions, value.declarations), version) };
    });
  }

  /** The live world; its `decide` memoises the visibility decisions made under it. */
  current(): Promise<WorldSnapshot> {
    return this.world.current();
  }
  /**
   * The visibility decision for a search under `world`, for callers that hold it as a plain SharingWorld (the
   * search use case, until it takes `world.decide` itself): the snapshot's own memo when it is one.
   */
  decide(world: SharingWorld, searcherAgencyId: string, purpose: SearchPurpose, scope: SearchScope, basis?: SearchBasis): VisibilityDecision {
    return world instanceof WorldSnapshot
      ? world.decide(searcherAgencyId, purpose, scope, basis)
      : decideVisibility(world, searcherAgencyId, purpose, scope, basis);
  }
}
