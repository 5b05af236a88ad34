import { Client } from '@elastic/elasticsearch';
import { otherNodes, patternPlateGrams, plateMatchesPattern } from '@platekeeper/elastic';
import { PreparedCriteria, partialPlatePattern } from './reads-query';
import { SearchRequestDto } from './search-request.dto';

type QueryClause = Record<string, unknown>;

/** Past this many distinct plates holding a pattern's grams, listing them gains little over the wildcard itself. */
export const PARTIAL_MAX_PLATES = 1_000;

/** The parts of the plate lookup's answer that say whether it saw every plate holding the grams. */
export interface PlateLookupAnswer {
  timed_out?: boolean;
  terminated_early?: boolean;
  _shards?: { failed?: number };
  aggregations?: unknown;
}

/** Every distinct plate of the reads holding the grams, or undefined when the lookup cannot vouch for having listed them all. */
export function platesFromLookup(answer: PlateLookupAnswer): string[] | undefined {
  if (answer.timed_out || answer.terminated_early || (answer._shards?.failed ?? 0) > 0) return undefined;
  const plates = (answer.aggregations as { plates?: { buckets?: Array<{ key: unknown }>; sum_other_doc_count?: number } } | undefined)?.plates;
  if (plates?.buckets === undefined || plates.sum_other_doc_count !== 0) return undefined;
  return plates.buckets.map((bucket) => String(bucket.key));
}

/**
 * The clause a partial plate search filters with: exactly the reads whose plate the wildcard pattern matches.
 *
 * A leading wildcard makes Elasticsearch walk every distinct plate of every segment, so its cost grows with the
 * stored plates (18.7× an exact search at 10M reads). Reads carry their plate's 3-grams (`plateGrams`, written by
 * `toReadDocument`), so one cheap request lists the distinct plates of the reads holding every gram the pattern asks
 * for, this keeps those the pattern really matches, and the search asks for them by `terms`. Reads stored before
 * grams existed have none; they are matched by the wildcard as before, a clause Elasticsearch drops unread from a
 * shard where every read has grams. When the lookup cannot vouch for a complete list (too many plates, a shard
 * failed, it timed out) or the pattern has no run of 3 characters, the search uses the wildcard alone: slower, the
 * same reads.
 */
export async function partialPlateClause(
  elastic: Client,
  search: { index: string; pattern: string; timeoutMs: number },
): Promise<QueryClause> {
  const wildcard = { wildcard: { plate: { value: search.pattern } } };
  const grams = patternPlateGrams(search.pattern);
  if (grams.length === 0) return wildcard;
  const answer = await elastic.search({
    index: search.index,
    ignore_unavailable: true,
    allow_no_indices: true,
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: grams.map((gram) => ({ term: { plateGrams: gram } })) } },
    // `map` walks only the reads holding the grams; global ordinals of every plate would be rebuilt after each refresh.
    aggs: { plates: { terms: { field: 'plate', size: PARTIAL_MAX_PLATES, shard_size: PARTIAL_MAX_PLATES, execution_hint: 'map' } } },
    timeout: `${search.timeoutMs}ms`,
  }, { requestTimeout: search.timeoutMs, maxRetries: otherNodes(elastic) }).catch(() => ({ timed_out: true }));
  const candidates = platesFromLookup(answer as PlateLookupAnswer);
  if (candidates === undefined) return wildcard;
  return {
    bool: {
      should: [
        { terms: { plate: candidates.filter((plate) => plateMatchesPattern(plate, search.pattern)) } },
        { bool: { filter: [wildcard], must_not: [{ exists: { field: 'plateGrams' } }] } },
      ],
      minimum_should_match: 1,
    },
  };
}

/** What a search's criteria need from Elasticsearch before its queries are built; one lookup, shared by all of them. */
export async function prepareReadsCriteria(
  elastic: Client,
  request: SearchRequestDto,
  search: { index: string; timeoutMs: number },
): Promise<PreparedCriteria> {
  if (request.plate === undefined || request.plateMatch !== 'partial') return {};
  return { partialPlate: await partialPlateClause(elastic, { ...search, pattern: partialPlatePattern(request.plate) }) };
}
