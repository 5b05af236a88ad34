import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AGENCY_COLUMNS, JURISDICTION_COLUMNS, agencyProfileFromRow, jurisdictionRuleFromRow } from '@platekeeper/persistence';
import { SearchPurpose, SearchScope, SharingWorld, VisibilityDecision, decideVisibility, sharingWorldOf } from '@platekeeper/sharing';

const MAX_DECISIONS_PER_WORLD = 20_000;

interface VersionedWorld {
  version: string;
  world: SharingWorld;
}

/**
 * The live agencies and jurisdiction rules. Every call asks PostgreSQL for the world's version (one
 * row, bumped by triggers on every change), so a change is in force for the next search on every
 * instance; the full reload happens only when the version moved.
 */
@Injectable()
export class SharingWorldService {
  private cached?: VersionedWorld;
  private loading?: Promise<VersionedWorld>;
  // Keyed by the world object itself: a new version is a new object, so no decision outlives its world.
  private readonly decisionsByWorld = new WeakMap<SharingWorld, Map<string, VisibilityDecision>>();

  constructor(private readonly dataSource: DataSource) {}

  async current(): Promise<SharingWorld> {
    const [{ version }]: Array<{ version: string }> = await this.dataSource.query(
      'SELECT version::text AS version FROM sharing_world_version WHERE id = 1',
    );
    const cached = this.cached;
    if (cached?.version === version) return cached.world;
    const loading = (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    const loaded = await loading;
    // A load that began before this version existed is too old for this search: load again.
    if (BigInt(loaded.version) < BigInt(version)) return (await this.load()).world;
    return loaded.world;
  }

  /** The visibility decision for a search under `world` (from `current()`), computed once per world and searcher/purpose/scope. */
  decide(world: SharingWorld, searcherAgencyId: string, purpose: SearchPurpose, scope: SearchScope): VisibilityDecision {
    let decisions = this.decisionsByWorld.get(world);
    if (decisions === undefined) this.decisionsByWorld.set(world, (decisions = new Map()));
    const key = `${searcherAgencyId}|${purpose}|${scope}`;
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = decideVisibility(world, searcherAgencyId, purpose, scope);
      if (decisions.size >= MAX_DECISIONS_PER_WORLD) decisions.clear();
      decisions.set(key, decision);
    }
    return decision;
  }

  private async load(): Promise<VersionedWorld> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [{ version }] = await manager.query('SELECT version::text AS version FROM sharing_world_version WHERE id = 1');
      const agencies = (await manager.query(`SELECT ${AGENCY_COLUMNS} FROM agencies`)).map(agencyProfileFromRow);
      const jurisdictions = (await manager.query(`SELECT ${JURISDICTION_COLUMNS} FROM jurisdictions`)).map(jurisdictionRuleFromRow);
      const loaded = { version, world: sharingWorldOf(agencies, jurisdictions) };
      if (!this.cached || BigInt(this.cached.version) <= BigInt(version)) this.cached = loaded;
      return loaded;
    });
  }
}
