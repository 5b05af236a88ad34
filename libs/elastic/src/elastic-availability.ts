import { Client, errors as elasticErrors } from '@elastic/elasticsearch';

export type ElasticStatus = 'green' | 'yellow' | 'red' | 'down' | 'unknown';

/**
 * Whether Elasticsearch answers, asked in the background (a cluster-health probe every `intervalMs`, given
 * `timeoutMs` to answer, never retried), so /health reports at once and a search refuses at once while it is down
 * instead of each caller waiting out its own timeouts. A request that could not reach Elasticsearch marks it down
 * at once; the next probe that gets an answer marks it up again.
 */
/**
 * How many other nodes a request may try when one cannot be reached: each node of the client's list but the first
 * one tried. The client's weighted pool keeps sending some requests to a node that is down, so a request without
 * retries fails whenever it lands there, and one dead node of a healthy cluster would look like a dead cluster.
 * With one node, 0: a request to a single node that cannot answer fails at once, as before.
 */
export function otherNodes(client: Client): number {
  return Math.max(0, client.connectionPool.connections.length - 1);
}

export class ElasticAvailability {
  private latest: { status: ElasticStatus; error?: string; checkedAt?: number } = { status: 'unknown' };
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;
  private readonly backUpListeners = new Set<() => void>();
  private unansweredInARow = 0;

  constructor(private readonly client: Client, private readonly intervalMs: number, private readonly timeoutMs: number) {}

  start(): void {
    if (this.timer) return;
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Nest calls this when the app closes. */
  onApplicationShutdown(): void {
    this.stop();
  }

  /** One probe (shared by concurrent callers); resolves within `timeoutMs` plus a little. */
  probe(): Promise<void> {
    this.probing ??= this.client.cluster
      .health({ timeout: `${this.timeoutMs}ms` }, { requestTimeout: this.timeoutMs, maxRetries: otherNodes(this.client) })
      .then(
        (health) => {
          const wasDown = this.down;
          this.unansweredInARow = 0;
          this.latest = { status: health.status as ElasticStatus, checkedAt: Date.now() };
          if (wasDown && !this.down) this.wakeWaiters();
        },
        (error: unknown) => this.probeFailed(error),
      )
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  /**
   * A probe that could not reach Elasticsearch (refused, no living node) marks it down at once. One that was only left
   * unanswered within `timeoutMs` does so only when the probe before it went unanswered too (or nothing ever answered):
   * on a loaded machine a single 800 ms probe of an answering cluster sometimes times out, and marking the engine down
   * then refused every search until the next probe (one-search 503s in the loopback cluster run, docs/faults.md). A
   * hung engine is still down within two probes, and while the answer it gave last ages, `stale` bounds it as before.
   */
  private probeFailed(error: unknown): void {
    const unanswered = error instanceof elasticErrors.TimeoutError;
    this.unansweredInARow = unanswered ? this.unansweredInARow + 1 : 0;
    const answeredBefore = this.latest.status !== 'unknown' && this.latest.status !== 'down';
    if (unanswered && this.unansweredInARow < 2 && answeredBefore) return;
    this.latest = { status: 'down', error: errorText(error), checkedAt: Date.now() };
  }

  /** The latest answer; before the first probe finished, waits for it (at most `timeoutMs`). */
  async status(): Promise<{ status: ElasticStatus; error?: string }> {
    if (this.latest.status === 'unknown' || this.stale) await this.probe();
    return { status: this.latest.status, ...(this.latest.error && { error: this.latest.error }) };
  }

  /**
   * Did not answer its latest probe, or no probe answered for two intervals: callers refuse at once. A red cluster
   * still answers (an index being created, another index's shard missing), so searches are still tried then.
   */
  get down(): boolean {
    return this.latest.status === 'down' || (this.latest.status !== 'unknown' && this.stale);
  }

  /**
   * Calls `listener` once, the next time a probe finds Elasticsearch answering after it was down: whoever backs off
   * while it is away (the indexer's bulk retries, its rest after giving up) starts again within a probe of its
   * return. Returns the function that unsubscribes (so waiting never accumulates listeners).
   */
  onceBackUp(listener: () => void): () => void {
    this.backUpListeners.add(listener);
    return () => this.backUpListeners.delete(listener);
  }

  private wakeWaiters(): void {
    const listeners = [...this.backUpListeners];
    this.backUpListeners.clear();
    for (const listener of listeners) listener();
  }

  /**
   * A real request could not reach Elasticsearch (connection refused, no answer in time) on any node it tried: down
   * until a probe answers.
   */
  noteUnreachable(error: unknown): void {
    this.latest = { status: 'down', error: errorText(error), checkedAt: Date.now() };
  }

  private get stale(): boolean {
    return this.latest.checkedAt !== undefined && Date.now() - this.latest.checkedAt > 2 * this.intervalMs + this.timeoutMs;
  }
}

/**
 * A request that could not reach Elasticsearch on any node it tried: a refused or reset connection, or a client whose
 * every node was marked dead and that sent nothing at all. Not a timeout (a busy cluster) nor an answer (4xx, 5xx).
 */
export function isUnreachable(error: unknown): boolean {
  return error instanceof elasticErrors.ConnectionError || error instanceof elasticErrors.NoLivingConnectionsError;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const WRITE_BLOCKS = ['index.blocks.write', 'index.blocks.read_only', 'index.blocks.read_only_allow_delete'];
const CLUSTER_WRITE_BLOCKS = ['cluster.blocks.read_only', 'cluster.blocks.read_only_allow_delete'];

/** Whether any index matching `indexPattern`, or the whole cluster, refuses writes (set by hand or on a full disk). */
export async function writesBlocked(client: Client, indexPattern: string, timeoutMs: number): Promise<boolean> {
  const options = { requestTimeout: timeoutMs, maxRetries: 0 };
  const [indices, cluster] = await Promise.all([
    client.indices.getSettings({ index: indexPattern, name: 'index.blocks.*', flat_settings: true, allow_no_indices: true }, options),
    client.cluster.getSettings({ flat_settings: true }, options),
  ]);
  const indexBlocked = Object.values(indices).some(({ settings }) => WRITE_BLOCKS.some((name) => String((settings as Record<string, unknown>)?.[name]) === 'true'));
  const clusterBlocked = [cluster.persistent, cluster.transient].some((settings) => CLUSTER_WRITE_BLOCKS.some((name) => String(settings?.[name]) === 'true'));
  return indexBlocked || clusterBlocked;
}

/**
 * Calls `listener` once, the first time a check (every `intervalMs`) finds no write block: an indexer that gave up on
 * a blocked index starts again within a check of the block being lifted, instead of resting out its whole pause (an
 * Elasticsearch that stays up never wakes onceBackUp). A check that fails counts as still blocked. Returns the stop.
 */
export function onceWritesUnblocked(client: Client, indexPattern: string, intervalMs: number, listener: () => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const blocked = await writesBlocked(client, indexPattern, intervalMs).catch(() => true);
    if (stopped) return;
    if (!blocked) {
      stopped = true;
      listener();
      return;
    }
    timer = setTimeout(() => void check(), intervalMs);
  };
  timer = setTimeout(() => void check(), intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
