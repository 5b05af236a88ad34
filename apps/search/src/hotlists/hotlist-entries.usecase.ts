import { Injectable } from '@nestjs/common';
import { Database, HotlistEntry, HotlistStore } from '@platekeeper/persistence';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { RequestContext } from '../auth/request-context';
import { DomainError } from '../errors/domain-error';
import { SearchReadsUseCase } from '../searches/search-reads.usecase';
import { expiryProblems, newHotlistEntry } from './hotlist-entry-rules';
import { CreateHotlistEntryDto, CreatedHotlistEntryDto, HISTORY_SEARCH_PURPOSES } from './hotlist.dto';
import { hotlistOwner, requireHotlist } from './hotlists.usecase';

/** Adding and removing entries, each recorded as a change; adding may run the entry once as an audited search. */
@Injectable()
export class HotlistEntriesUseCase {
  constructor(
    private readonly database: Database,
    private readonly hotlists: HotlistStore,
    private readonly auditTrail: AuditTrail,
    private readonly searchReads: SearchReadsUseCase,
  ) {}

  async add(context: RequestContext, hotlistId: string, request: CreateHotlistEntryDto): Promise<CreatedHotlistEntryDto> {
    const { user, world } = context;
    const problems = expiryProblems(request, hotlistOwner(context), world, new Date());
    if (request.searchHistory && !HISTORY_SEARCH_PURPOSES.includes(request.purpose)) {
      problems.push(`searchHistory is allowed only for the purposes ${HISTORY_SEARCH_PURPOSES.join(', ')}`);
    }
    if (problems.length > 0) throw new DomainError('HOTLIST.ENTRY_INVALID', problems.join('; '));
    const entry = await this.database.transaction(async (tx) => {
      await requireHotlist(this.hotlists, user.agencyId, hotlistId, tx);
      const [stored] = await this.hotlists.insertEntries(tx, [
        newHotlistEntry(request, { hotlistId, agencyId: user.agencyId, addedBy: user.userId, source: request.source ?? 'manual' }),
      ]);
      await this.auditTrail.append(changeRecord(user, 'hotlist_entry.add', { type: 'hotlist_entry', id: stored.id }, null, stored), tx);
      return stored;
    });
    if (!request.searchHistory) return { entry };
    // The same search an investigator could run by hand: national, the entry's purpose, recorded like any search. Exact:
    // a fuzzy search would also return every plate one edit away, which alerts never match.
    const historicalHits = await this.searchReads.execute(user, {
      purpose: entry.purpose,
      caseNumber: entry.caseNumber,
      reason: entry.reason,
      scope: 'national',
      plate: entry.plate,
      plateMatch: 'exact',
      ...(entry.plateRegion !== null && { plateRegion: entry.plateRegion }),
      limit: 100,
    }, world);
    return { entry, historicalHits };
  }

  async remove(context: RequestContext, hotlistId: string, entryId: string): Promise<HotlistEntry> {
    const { user } = context;
    return this.database.transaction(async (tx) => {
      const before = await this.hotlists.findEntry(user.agencyId, hotlistId, entryId, tx);
      const after = before && (await this.hotlists.removeEntry(tx, user.agencyId, hotlistId, entryId, user.userId));
      if (before === undefined || after === undefined) throw entryNotFound();
      if (before.removedAt === null) {
        await this.auditTrail.append(changeRecord(user, 'hotlist_entry.remove', { type: 'hotlist_entry', id: entryId }, before, after), tx);
      }
      return after;
    });
  }

  async list(context: RequestContext, hotlistId: string, includeEnded: boolean): Promise<HotlistEntry[]> {
    await requireHotlist(this.hotlists, context.user.agencyId, hotlistId);
    return this.hotlists.entriesOf(hotlistId, { includeEnded });
  }
}

export function entryNotFound(): DomainError {
  return new DomainError('HOTLIST.ENTRY_NOT_FOUND', 'no such entry in this hotlist of your agency');
}
