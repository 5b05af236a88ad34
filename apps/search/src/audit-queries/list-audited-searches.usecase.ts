import { Injectable } from '@nestjs/common';
import { AuditRecordStore } from '@platekeeper/persistence';
import { DomainError } from '../errors/domain-error';
import { decodeAuditCursor, encodeAuditCursor } from './audited-search-cursor';
import {
  AuditedSearchDto, AuditedSearchesPageDto, DEFAULT_AUDIT_PAGE_SIZE, DEFAULT_AUDIT_WINDOW_DAYS,
} from './audited-searches.dto';

export interface AuditedSearchesCommand {
  agencyId: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

@Injectable()
export class ListAuditedSearchesUseCase {
  constructor(private readonly auditRecords: AuditRecordStore) {}

  async execute(command: AuditedSearchesCommand): Promise<AuditedSearchesPageDto> {
    const { from, to } = auditWindow(command.from, command.to);
    const limit = command.limit ?? DEFAULT_AUDIT_PAGE_SIZE;
    const beforeSeq = command.cursor ? decodeAuditCursor(command.cursor) : null;
    const rows = await this.auditRecords.searchesConcerning(command.agencyId, { from, to }, beforeSeq, limit + 1);
    const page = rows.slice(0, limit);
    return {
      agencyId: command.agencyId,
      from: from.toISOString(),
      to: to.toISOString(),
      items: page.map((row) => toAuditedSearch(row, command.agencyId)),
      nextCursor: rows.length > limit ? encodeAuditCursor(page[page.length - 1].seq_text) : null,
    };
  }
}

function auditWindow(fromText?: string, toText?: string): { from: Date; to: Date } {
  const to = toText ? new Date(toText) : new Date();
  const from = fromText ? new Date(fromText) : new Date(to.getTime() - DEFAULT_AUDIT_WINDOW_DAYS * 86_400_000);
  // Only a window the caller spelled out both ends of can be wrong; a lone future `from` is simply an empty window.
  if (fromText && toText && from.getTime() > to.getTime()) throw new DomainError('AUDIT.INVALID_PERIOD', 'from must not be after to');
  return { from, to };
}

function toAuditedSearch(row: Record<string, any>, reviewedAgencyId: string): AuditedSearchDto {
  return row.actor_agency_id === reviewedAgencyId ? ownUsersSearch(row) : othersSearchTouchingOurReads(row);
}

/** A search by the reviewed agency's own user, in full. */
function ownUsersSearch(row: Record<string, any>): AuditedSearchDto {
  return {
    ...searcherAndPurpose(row),
    searchId: row.search_id ?? null,
    action: row.action,
    scope: row.scope ?? null,
    criteria: row.criteria ?? null,
    outcome: row.outcome,
    refusal: row.refusal ?? null,
    total: Number(row.total ?? 0),
    readsReturnedFromThisAgency: Number(row.reads_returned ?? 0),
    readsWithheldFromThisAgency: 0,
    withheldFromThisAgency: null,
    relation: 'own_user',
  };
}

/**
 * Another agency's search that returned or was withheld the reviewed agency's reads (CONTRACT §4): who, when,
 * why, and the reviewed agency's own count; never the criteria, the total or another owner's figures.
 */
function othersSearchTouchingOurReads(row: Record<string, any>): AuditedSearchDto {
  const returned = row.reads_returned !== null;
  return {
    ...searcherAndPurpose(row),
    // The record's identifier reveals nothing of the search; the owner needs it to cite or query that record.
    searchId: row.search_id ?? null,
    action: row.action,
    scope: null,
    criteria: null,
    outcome: row.outcome,
    refusal: null,
    total: null,
    readsReturnedFromThisAgency: Number(row.reads_returned ?? 0),
    readsWithheldFromThisAgency: Number(row.reads_withheld ?? 0),
    withheldFromThisAgency: !returned && Array.isArray(row.withheld_reasons) ? row.withheld_reasons : null,
    relation: returned ? 'returned_our_data' : 'denied_our_data',
  };
}

function searcherAndPurpose(row: Record<string, any>) {
  return {
    seq: row.seq_text as string,
    recordedAt: new Date(row.recorded_at).toISOString(),
    userId: row.actor_user_id as string,
    agencyId: row.actor_agency_id as string,
    purpose: row.purpose ?? null,
    caseNumber: row.case_number ?? null,
    reason: row.reason ?? null,
  };
}
