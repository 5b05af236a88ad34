import { randomUUID } from 'node:crypto';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { EnrichedRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { ReadsIndexLayout, ensureReadsIndexTemplate, readDocumentId, readsIndexName, readsIndexPattern, toReadDocument } from '@platekeeper/elastic';

export interface CorpusOwner {
  id: string;
  state: string;
  cameraIds: string[];
}

export interface CorpusLoad {
  owners: CorpusOwner[];
  /** Plates the reads are drawn from, uniformly. */
  plates: string[];
  count: number;
  spreadDays: number;
  random: () => number;
  now: number;
}

const BULK_DOCUMENTS = 5_000;
const BULK_IN_FLIGHT = 4;
const MAKES = ['Toyota', 'Honda', 'Ford', 'Subaru', 'Tesla'];
const COLORS = ['black', 'white', 'silver', 'blue', 'red'];

/**
 * The benchmark corpus, written straight to Elasticsearch (no Kafka, no indexer): synthetic enriched reads as
 * pre-serialised NDJSON bulk bodies, several requests in flight, refresh off while loading. The documents are the
 * indexer's (same index names, ids and mapping), only the route differs.
 */
export class ReadCorpus {
  constructor(
    private readonly elastic: ElasticClient,
    private readonly prefix: string,
    private readonly layout: ReadsIndexLayout,
  ) {}

  /** Appends `load.count` reads; the corpus is searchable (refreshed, configured refresh interval back) when it resolves. */
  async append(load: CorpusLoad): Promise<void> {
    await ensureReadsIndexTemplate(this.elastic, this.prefix, { ...this.layout, refreshInterval: '-1' });
    // Every month the reads can fall in exists before loading, so the load-time settings reach them all.
    for (let day = 0; day <= load.spreadDays; day++) {
      const index = readsIndexName(this.prefix, new Date(load.now - day * 86_400_000).toISOString());
      if (!(await this.elastic.indices.exists({ index }))) await this.elastic.indices.create({ index });
    }
    await this.setLoading(true);
    const ingestedAt = new Date(load.now).toISOString();
    let remaining = load.count;
    const nextBody = (): string | undefined => {
      if (remaining <= 0) return undefined;
      const size = Math.min(BULK_DOCUMENTS, remaining);
      remaining -= size;
      const lines: string[] = [];
      for (let index = 0; index < size; index++) {
        const read = syntheticRead(load, ingestedAt);
        lines.push(JSON.stringify({ index: { _index: readsIndexName(this.prefix, read.capturedAt), _id: readDocumentId(read) } }), JSON.stringify(toReadDocument(read)));
      }
      return `${lines.join('\n')}\n`;
    };
    const worker = async () => {
      for (let body = nextBody(); body !== undefined; body = nextBody()) {
        // A pre-serialised string is sent as it is; the client would otherwise serialise every document again.
        // A loaded machine can take more than the client's default 30 s for one bulk; a retried bulk rewrites the same ids.
        const response = await this.elastic.bulk({ operations: body as never, filter_path: 'errors,items.*.error' } as never, { requestTimeout: 300_000 });
        if (response.errors) throw new Error(`bulk indexing failed: ${JSON.stringify(response.items?.find((item) => item.index?.error))}`);
      }
    };
    await Promise.all(Array.from({ length: BULK_IN_FLIGHT }, worker));
    await ensureReadsIndexTemplate(this.elastic, this.prefix, this.layout);
    await this.setLoading(false);
    await this.elastic.indices.refresh({ index: readsIndexPattern(this.prefix) });
  }

  /** Merges each index down to `segments` segments: the state of a month that no longer receives reads. */
  async forceMerge(segments: number): Promise<void> {
    await this.elastic.indices.forcemerge({ index: readsIndexPattern(this.prefix), max_num_segments: segments }, { requestTimeout: 3_600_000 });
  }

  async stats(): Promise<{ indices: number; documents: number; storeBytes: number; segments: number; shards: number }> {
    const rows = await this.elastic.cat.indices({ index: readsIndexPattern(this.prefix), format: 'json', bytes: 'b', h: 'index,pri,docs.count,pri.store.size' });
    const segments = await this.elastic.cat.segments({ index: readsIndexPattern(this.prefix), format: 'json', h: 'index' });
    return {
      indices: rows.length,
      documents: rows.reduce((sum, row) => sum + Number(row['docs.count'] ?? 0), 0),
      storeBytes: rows.reduce((sum, row) => sum + Number(row['pri.store.size'] ?? 0), 0),
      shards: rows.reduce((sum, row) => sum + Number(row.pri ?? 0), 0),
      segments: segments.length,
    };
  }

  /** While loading: no refresh, translog fsynced in the background rather than per bulk request; then the configured layout again. */
  private async setLoading(loading: boolean): Promise<void> {
    await this.elastic.indices.putSettings({
      index: readsIndexPattern(this.prefix),
      allow_no_indices: true,
      settings: { index: { refresh_interval: loading ? '-1' : this.layout.refreshInterval, translog: { durability: loading ? 'async' : 'request' } } },
    });
  }
}

function syntheticRead(load: CorpusLoad, ingestedAt: string): EnrichedRead {
  const { random } = load;
  const owner = load.owners[Math.floor(random() * load.owners.length)];
  const plate = load.plates[Math.floor(random() * load.plates.length)];
  return {
    readId: randomUUID(),
    cameraId: owner.cameraIds[Math.floor(random() * owner.cameraIds.length)],
    agencyId: owner.id,
    agencyState: owner.state,
    capturedAt: new Date(load.now - Math.floor(random() * load.spreadDays * 86_400_000)).toISOString(),
    plate,
    plateFolded: foldPlateLookAlikes(plate),
    plateRaw: plate,
    plateRegion: owner.state,
    confidence: Math.round((0.7 + random() * 0.3) * 100) / 100,
    vehicle: { make: MAKES[Math.floor(random() * MAKES.length)], color: COLORS[Math.floor(random() * COLORS.length)], type: 'sedan' },
    location: { lat: 25 + random() * 23, lon: -124 + random() * 57 },
    ingestedAt,
  };
}
