import { SearchBasis, VisibilityDecision, legalReferenceWindows } from '@platekeeper/sharing';
import { SearchNarrowingDto, SearchRequestDto } from './search-request.dto';

/** What a search states about its legal basis, as the visibility rule reads it, at the instant the search starts. */
export function searchBasisOf(request: Pick<SearchRequestDto, 'offenseLevel' | 'legalReference'>, at: Date): SearchBasis {
  return { offenseLevel: request.offenseLevel, legalReference: request.legalReference !== undefined, at };
}

/** The windows a missing legal reference narrowed the search to, said to the searcher (the rules', not the reads'). */
export function narrowingNotices(decision: VisibilityDecision): SearchNarrowingDto[] {
  return legalReferenceWindows(decision).map((hours) => ({
    rule: 'LEGAL_REFERENCE_REQUIRED',
    readsOlderThanHours: hours,
    message: `reads older than ${hours} hours were not searched for owners whose rules require a legal reference; give legalReference (warrant or court order number) to search them`,
  }));
}
