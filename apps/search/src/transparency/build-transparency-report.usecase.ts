import { Injectable } from '@nestjs/common';
import { AuditRecordStore, CameraStore, GovernanceStore, HotlistStore } from '@platekeeper/persistence';
import { effectiveAccess, effectiveRetentionDays } from '@platekeeper/sharing';
import { AuditChainStatus } from '../audit-queries/audit-chain-status';
import { AuditCheckpoints } from '../audit-checkpoints/audit-checkpoints.service';
import { DomainError } from '../errors/domain-error';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { CountByKeyDto, TransparencyReportDto } from './transparency.dto';

const WINDOW_DAYS = 30;

function countsBy<T>(rows: T[], key: (row: T) => string, count: (row: T) => number): CountByKeyDto[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const value = count(row);
    if (value > 0) totals.set(key(row), (totals.get(key(row)) ?? 0) + value);
  }
  return [...totals].map(([name, searches]) => ({ key: name, searches })).sort((a, b) => b.searches - a.searches || a.key.localeCompare(b.key));
}

const rounded = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/**
 * An agency's public page, computed from the registry, the live policies and the audit trail on every call:
 * nothing on it is typed in by the agency. Other agencies' searches appear only as counts.
 */
@Injectable()
export class BuildTransparencyReportUseCase {
  constructor(
    private readonly sharingWorld: SharingWorldService,
    private readonly cameras: CameraStore,
    private readonly governance: GovernanceStore,
    private readonly auditRecords: AuditRecordStore,
    private readonly hotlists: HotlistStore,
    private readonly chainStatus: AuditChainStatus,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  async execute(agencyId: string, now = new Date()): Promise<TransparencyReportDto> {
    const world = await this.sharingWorld.current();
    const agency = world.agencies.get(agencyId);
    if (agency === undefined) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
    const from = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
    const [cameras, governance, outside, hotlists, attested, checkpoint, auditChain] = await Promise.all([
      this.cameras.listOf(agencyId),
      this.governance.governanceOf(agencyId),
      this.auditRecords.outsideSearches(agencyId, from, now),
      this.hotlists.publicCounts(agencyId, from, now),
      this.auditRecords.latestRetentionAttestation(agencyId),
      this.checkpoints.latest(),
      this.chainStatus.current(),
    ]);
    const rule = world.jurisdictions.get(agency.state);
    const access = effectiveAccess(world, agencyId);
    const decimals = governance.publicLocationDecimals;
    const categoryOf = (searcherId: string) => world.agencies.get(searcherId)?.category ?? 'other';
    return {
      generatedAt: now.toISOString(),
      agency: { id: agency.id, name: agency.name, state: agency.state, category: agency.category, status: agency.status },
      cameras: {
        count: cameras.length,
        locationDecimals: decimals,
        items: cameras.map((camera) => ({ name: camera.name, lat: rounded(camera.lat, decimals), lon: rounded(camera.lon, decimals) })),
      },
      retention: {
        agencyDays: agency.retentionDays,
        stateMaxDays: rule?.maxRetentionDays ?? null,
        inForceDays: effectiveRetentionDays(agency, rule),
        latestAttestation: attested === undefined ? null : {
          ...attested.attestation,
          sweptAt: attested.sweptAt, seq: attested.seq, hash: attested.hash,
        },
      },
      sharing: {
        policy: agency.sharing,
        agenciesThatCanSearch: access.grants.length,
        statesThatCanSearch: new Set(access.grants.map((grant) => grant.state)).size,
        deniedPurposes: access.deniedPurposesForAll,
        twoPersonApproval: governance.twoPersonApproval,
        noticePeriodMinutes: governance.noticePeriodMinutes,
      },
      outsideSearches: {
        from: from.toISOString(),
        to: now.toISOString(),
        searchesReturningReads: outside.reduce((sum, row) => sum + row.returned, 0),
        byPurpose: countsBy(outside, (row) => row.purpose ?? 'unknown', (row) => row.returned),
        byCategory: countsBy(outside, (row) => categoryOf(row.searcher), (row) => row.returned),
        withheldAttempts: outside.reduce((sum, row) => sum + row.withheld, 0),
        withheldByPurpose: countsBy(outside, (row) => row.purpose ?? 'unknown', (row) => row.withheld),
      },
      hotlists,
      auditChain,
      latestCheckpoint: checkpoint === undefined ? null
        : { seq: String(checkpoint.seq), headHash: checkpoint.headHash, publishedAt: checkpoint.publishedAt, keyId: checkpoint.keyId },
    };
  }
}
