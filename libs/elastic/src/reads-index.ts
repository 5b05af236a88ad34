import { Client, WeightedConnectionPool } from '@elastic/elasticsearch';
import { PlatekeeperConfig, elasticsearchNodes } from '@platekeeper/config';
import { EnrichedRead, ReadVehicle } from '@platekeeper/contract';
import { DerivedReadFields } from './plate-grams';

export function createElasticClient(config: PlatekeeperConfig): Client {
  // Every node of the cluster: the client spreads requests over them and retries a failed one on another.
  return new Client({ nodes: elasticsearchNodes(config), maxRetries: 3, requestTimeout: 30_000, ConnectionPool: RecoveringWeightedConnectionPool });
}

/**
 * The client's default weighted pool, which also finds a node again at once after every node was marked dead. The
 * stock pool (@elastic/transport 8.11) lowers each dead node's weight to 1 but leaves its round's current weight where
 * it was (~234 with three nodes), and lowers that by 1 per request: after a failover in which every node answered 503
 * it answered "There are no living connections" to the next ~232 requests without sending any, and a service whose
 * only requests were its 1 s availability probe stayed down for ~4 minutes after the cluster was green
 * (docs/faults.md). The round never starts above the heaviest node, so a request always gets one.
 */
export class RecoveringWeightedConnectionPool extends WeightedConnectionPool {
  override getConnection(options: Parameters<WeightedConnectionPool['getConnection']>[0]): ReturnType<WeightedConnectionPool['getConnection']> {
    this.currentWeight = Math.min(this.currentWeight, this.maxWeight);
    return super.getConnection(options);
  }
}

/**
 * Monthly indices: a replayed read always lands in the same one, and retention drops whole months.
 * Not daily: a 30-day search then spans 30 shards, and resolving a national search's list of visible
 * owners once per shard tripled its Elasticsearch time (measured: 38 ms daily vs 12.7 ms monthly).
 */
export function readsIndexName(prefix: string, capturedAt: string): string {
  return `${prefix}-${new Date(capturedAt).toISOString().slice(0, 7).replace('-', '.')}`;
}

/**
 * The one definition of a read's Elasticsearch `_id`: its readId scoped to the owner, so two owners may send the
 * same readId without touching each other's reads (agency ids are slugs without `:`, so the id is unambiguous).
 */
export function readDocumentId(read: { agencyId: string; readId: string }): string {
  return `${read.agencyId}:${read.readId}`;
}

export function readsIndexPattern(prefix: string): string {
  return `${prefix}-*`;
}

/** The instants a read index covers, [start, end), or undefined for a name that is not one. */
export function readsIndexMonth(prefix: string, indexName: string): { start: Date; end: Date } | undefined {
  const match = new RegExp(`^${prefix}-(\\d{4})\\.(\\d{2})$`).exec(indexName);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

/**
 * How each monthly read index is laid out. Size shards from the measured bytes per read (docs/performance.md:
 * ~0.3 KB on disk after merge) so one month stays near the 10–50 GB per shard Elasticsearch recommends: one shard
 * holds ~100 M reads, a state's month. More shards than that only add per-shard overhead to every national search.
 */
export interface ReadsIndexLayout {
  shards: number;
  replicas: number;
  refreshInterval: string;
}

/** The layout comes from configuration only (READS_INDEX_*): a default here would give a cluster unreplicated indices. */
export function readsIndexLayout(config: Pick<PlatekeeperConfig, 'READS_INDEX_SHARDS' | 'READS_INDEX_REPLICAS' | 'READS_INDEX_REFRESH_INTERVAL'>): ReadsIndexLayout {
  return { shards: config.READS_INDEX_SHARDS, replicas: config.READS_INDEX_REPLICAS, refreshInterval: config.READS_INDEX_REFRESH_INTERVAL };
}

// The built-in normalizer: the integ-test distribution has no analysis-common module (no asciifolding).
const caseInsensitiveKeyword = { type: 'keyword', normalizer: 'lowercase' } as const;

/**
 * How each field of the read document (`EnrichedRead`, libs/contract) is stored: exactly its fields, checked by the
 * compiler, so a field added to the document cannot be forgotten here (the strict mapping would reject it).
 */
export const READ_DOCUMENT_MAPPING = {
  readId: { type: 'keyword' },
  cameraId: { type: 'keyword' },
  agencyId: { type: 'keyword' },
  agencyState: { type: 'keyword' },
  capturedAt: { type: 'date' },
  ingestedAt: { type: 'date' },
  plate: { type: 'keyword' },
  plateFolded: { type: 'keyword' },
  plateRaw: { type: 'keyword', index: false },
  plateRegion: caseInsensitiveKeyword,
  confidence: { type: 'float' },
  vehicle: {
    properties: {
      make: caseInsensitiveKeyword,
      model: caseInsensitiveKeyword,
      color: caseInsensitiveKeyword,
      type: caseInsensitiveKeyword,
    } satisfies Record<keyof ReadVehicle, FieldMapping>,
  },
  location: { type: 'geo_point' },
  imageRef: { type: 'keyword', index: false },
  candidates: {
    properties: { plate: { type: 'keyword' }, plateFolded: { type: 'keyword' }, confidence: { type: 'float' } },
  },
  direction: { type: 'float' },
} as const satisfies Record<keyof EnrichedRead, FieldMapping>;

/**
 * Fields derived from the read at write time (`toReadDocument`), for searches only. `plateGrams` keeps doc values:
 * with them, "has grams" is a field-exists query Elasticsearch drops from a shard where every read has grams, so the
 * fallback for reads indexed before grams existed costs nothing once there are none.
 */
export const READ_DERIVED_FIELDS_MAPPING = {
  plateGrams: { type: 'keyword' },
} as const satisfies Record<keyof DerivedReadFields, FieldMapping>;

type FieldMapping = { type: string; index?: boolean; normalizer?: string } | { properties: Record<string, FieldMapping> };

/**
 * Explicit mappings, strict so a malformed document is rejected rather than silently mapped.
 * `plate` (normalised) serves exact and wildcard/substring matching, `plateFolded` OCR-fuzzy matching.
 */
export function readsIndexTemplate(prefix: string, layout: ReadsIndexLayout) {
  return {
    name: `${prefix}-template`,
    index_patterns: [readsIndexPattern(prefix)],
    template: {
      settings: {
        number_of_shards: layout.shards,
        number_of_replicas: layout.replicas,
        refresh_interval: layout.refreshInterval,
      },
      mappings: {
        dynamic: 'strict',
        properties: { ...READ_DOCUMENT_MAPPING, ...READ_DERIVED_FIELDS_MAPPING },
      },
    },
  } as const;
}

/**
 * Installs the template and gives existing monthly indices its fields too (a field added to the template later, such
 * as `candidates`, would otherwise be refused as strict by indices created before it). Adding fields is all a
 * mapping update may do; changing one fails loudly here rather than per document.
 */
export async function ensureReadsIndexTemplate(client: Client, prefix: string, layout: ReadsIndexLayout): Promise<void> {
  const template = readsIndexTemplate(prefix, layout);
  await client.indices.putIndexTemplate(template as never);
  await client.indices.putMapping({
    index: readsIndexPattern(prefix),
    allow_no_indices: true,
    ignore_unavailable: true,
    properties: template.template.mappings.properties as never,
  });
}
