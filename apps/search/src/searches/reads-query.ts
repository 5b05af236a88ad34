import { foldPlateLookAlikes, normalisePlate } from '@platekeeper/contract';
import { SearchRequestDto } from './search-request.dto';

type QueryClause = Record<string, unknown>;

/** `*` any run, `?` one character; without a wildcard, a substring. Other wildcard syntax is escaped. */
export function partialPlatePattern(plate: string): string {
  const kept = plate.toUpperCase().replace(/[^A-Z0-9*?]/g, '');
  return /[*?]/.test(kept) ? kept : `*${kept}*`;
}

/** Criteria clauses worked out with Elasticsearch before the query is built, once per search (`prepareReadsCriteria`). */
export interface PreparedCriteria {
  /** Matches exactly the reads `wildcard: partialPlatePattern(plate)` matches, at less cost (`partialPlateClause`). */
  partialPlate?: QueryClause;
}

/** Scores of a fuzzy search's ranks; every other match (look-alike, one edit) scores 0. */
const FUZZY_RANK = { exact: 10, candidate: 5 } as const;

function plateClauses(request: SearchRequestDto, prepared: PreparedCriteria): { filter: QueryClause[]; should: QueryClause[] } {
  if (request.plate === undefined) return { filter: [], should: [] };
  const plate = normalisePlate(request.plate);
  switch (request.plateMatch ?? 'exact') {
    case 'exact':
      return { filter: [{ term: { plate } }], should: [] };
    case 'partial':
      return { filter: [prepared.partialPlate ?? { wildcard: { plate: { value: partialPlatePattern(request.plate) } } }], should: [] };
    case 'fuzzy': {
      // The read's own plate, or one of the alternative candidates the camera reported, as hotlist matching reads
      // them (apps/alerts): equal, or equal after folding look-alikes; the own plate also one edit away.
      const plateFolded = foldPlateLookAlikes(plate);
      return {
        filter: [
          {
            bool: {
              should: [
                { term: { plateFolded } },
                { fuzzy: { plate: { value: plate, fuzziness: 1, transpositions: false, prefix_length: 0, max_expansions: 1000 } } },
                { term: { 'candidates.plateFolded': plateFolded } },
              ],
              minimum_should_match: 1,
            },
          },
        ],
        // Ranked as hotlist matches are: the own plate equal, then a candidate equal, then look-alikes and one-edit
        // neighbours (dis_max: a read scores its strongest reason only, so every read of a rank ties and sorts newest first).
        should: [
          {
            dis_max: {
              queries: [
                { constant_score: { filter: { term: { plate } }, boost: FUZZY_RANK.exact } },
                { constant_score: { filter: { term: { 'candidates.plate': plate } }, boost: FUZZY_RANK.candidate } },
              ],
            },
          },
        ],
      };
    }
  }
}

function criteriaClauses(request: SearchRequestDto): QueryClause[] {
  const clauses: QueryClause[] = [];
  if (request.plateRegion) clauses.push({ match: { plateRegion: request.plateRegion } });
  for (const [attribute, value] of Object.entries(request.vehicle ?? {})) {
    if (typeof value === 'string') clauses.push({ match: { [`vehicle.${attribute}`]: value } });
  }
  if (request.from || request.to) {
    clauses.push({ range: { capturedAt: { ...(request.from && { gte: request.from }), ...(request.to && { lte: request.to }) } } });
  }
  if (request.area?.bbox) {
    const [minLon, minLat, maxLon, maxLat] = request.area.bbox;
    clauses.push({ geo_bounding_box: { location: { top_left: { lat: maxLat, lon: minLon }, bottom_right: { lat: minLat, lon: maxLon } } } });
  }
  if (request.area?.near) {
    const { lat, lon, radiusKm } = request.area.near;
    clauses.push({ geo_distance: { distance: `${radiusKm}km`, location: { lat, lon } } });
  }
  if (request.cameraIds) clauses.push({ terms: { cameraId: request.cameraIds } });
  return clauses;
}

/** The whole query: the visibility filter sits inside it, so hits, totals and pages count only visible reads. */
export function buildReadsQuery(request: SearchRequestDto, visibilityFilter: QueryClause, prepared: PreparedCriteria = {}) {
  const plate = plateClauses(request, prepared);
  const fuzzy = request.plate !== undefined && request.plateMatch === 'fuzzy';
  return {
    query: {
      bool: {
        filter: [visibilityFilter, ...plate.filter, ...criteriaClauses(request)],
        ...(plate.should.length > 0 && { should: plate.should }),
      },
    },
    sort: [
      ...(fuzzy ? [{ _score: { order: 'desc' } }] : []),
      { capturedAt: { order: 'desc' } },
      { readId: { order: 'asc' } },
      // Two owners may send the same readId; the owner makes the order total, so a cursor never skips or repeats.
      { agencyId: { order: 'asc' } },
    ],
  };
}
