import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SearcherUsageDto, UsageReportDto } from './usage-report.dto';

/**
 * Per other agency, over one UTC month of answered searches (`search.reads`; previews and refusals touch no
 * read): searches and reads that returned the reviewed agency's data, their purposes, and the attempts its
 * deny rules withheld its matching reads from (`withheldByOwner`: an attempt counts only where the agency held
 * reads matching the criteria). One pass in PostgreSQL over the month's related records.
 */
const USAGE_REPORT_SQL = `
  WITH related AS (
    SELECT seq, actor_agency_id, payload
      FROM audit_records
     WHERE kind = 'search' AND action = 'search.reads'
       AND recorded_at >= $2::timestamptz AND recorded_at < $3::timestamptz
       AND actor_agency_id <> $1::text
       AND (payload->'returnedByOwner' ? $1::text OR payload->'withheldByOwner' ? $1::text)
  ),
  returned AS (
    SELECT actor_agency_id AS searcher,
           count(*)::int AS searches,
           sum((payload->'returnedByOwner'->>$1::text)::bigint)::bigint AS reads,
           array_agg(DISTINCT payload->>'purpose' ORDER BY payload->>'purpose') FILTER (WHERE payload->>'purpose' IS NOT NULL) AS purposes
      FROM related
     WHERE payload->'returnedByOwner' ? $1::text
     GROUP BY actor_agency_id
  ),
  withheld AS (
    SELECT related.actor_agency_id AS searcher,
           count(DISTINCT related.seq)::int AS attempts,
           array_agg(DISTINCT deny.reason ORDER BY deny.reason) FILTER (WHERE deny.reason IS NOT NULL) AS reasons
      FROM related
     CROSS JOIN LATERAL jsonb_array_elements(related.payload->'withheldOwners') AS owner
      LEFT JOIN LATERAL jsonb_array_elements_text(owner->'reasons') AS deny(reason) ON true
     WHERE related.payload->'withheldByOwner' ? $1::text AND owner->>'agencyId' = $1::text
     GROUP BY related.actor_agency_id
  )
  SELECT COALESCE(returned.searcher, withheld.searcher) AS searcher,
         COALESCE(returned.searches, 0) AS searches,
         COALESCE(returned.reads, 0)::text AS reads,
         COALESCE(returned.purposes, '{}') AS purposes,
         COALESCE(withheld.attempts, 0) AS attempts,
         COALESCE(withheld.reasons, '{}') AS reasons
    FROM returned FULL JOIN withheld ON withheld.searcher = returned.searcher
   ORDER BY COALESCE(returned.searcher, withheld.searcher) COLLATE "C"`;

export interface UsageReportCommand {
  agencyId: string;
  /** YYYY-MM, already validated */
  month: string;
}

@Injectable()
export class BuildUsageReportUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ agencyId, month }: UsageReportCommand): Promise<UsageReportDto> {
    const { start, end } = utcMonth(month);
    const rows: Array<Record<string, any>> = await this.dataSource.query(USAGE_REPORT_SQL, [agencyId, start, end]);
    const searchers: SearcherUsageDto[] = rows.map((row) => ({
      searcherAgencyId: row.searcher,
      searchesReturningOurReads: row.searches,
      readsReturned: Number(row.reads),
      purposes: row.purposes,
      withheldAttempts: row.attempts,
      withheldReasons: row.reasons,
    }));
    return { agencyId, month, generatedAt: new Date().toISOString(), searchers };
  }
}

export function utcMonth(month: string): { start: Date; end: Date } {
  const [year, monthNumber] = month.split('-').map(Number);
  return { start: new Date(Date.UTC(year, monthNumber - 1, 1)), end: new Date(Date.UTC(year, monthNumber, 1)) };
}
