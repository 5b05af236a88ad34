import type { Admin, Producer } from 'kafkajs';

export interface LagSample {
  atMs: number;
  /** Messages not yet committed by each consumer group, summed over its topic's partitions. */
  lag: Record<string, number>;
}

/** What each consumer group still has to read of its topic, from committed offsets (what a restart would resume from). */
export async function consumerLag(admin: Admin, groups: Array<{ groupId: string; topic: string }>): Promise<Record<string, number>> {
  const lag: Record<string, number> = {};
  await Promise.all(groups.map(async ({ groupId, topic }) => {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const committedByPartition = new Map(committed.partitions.map((partition) => [partition.partition, Number(partition.offset)]));
    lag[groupId] = ends.reduce((sum, end) => {
      const done = committedByPartition.get(end.partition) ?? -1;
      // Offsets are read one after the other, so a commit can overtake the end read just before it: never below 0.
      return sum + Math.max(0, Number(end.high) - (done < 0 ? Number(end.low) : done));
    }, 0);
  }));
  return lag;
}

export interface FreshnessSample {
  /** When the probe read was handed to the producer (its capturedAt). */
  producedAtMs: number;
  /** From production until a POST /v1/searches first returned it. */
  freshnessMs: number;
}

export interface FreshnessProbeOptions {
  producer: Producer;
  topic: string;
  /** A registered camera the probes are attributed to; the token's agency must be able to see its reads locally. */
  cameraId: string;
  searchUrl: string;
  token: string;
  /** Probe plates start with this; it must match no other plate (the generator never writes Q). */
  platePrefix: string;
  everyMs?: number;
  pollMs?: number;
}

/**
 * Freshness as a user sees it: a probe read every `everyMs` with a unique plate and capturedAt = now, and a search
 * through the API every `pollMs` for the probes still missing; a probe's freshness is the time from its production
 * until the first search that returned it.
 */
export class FreshnessProbe {
  readonly samples: FreshnessSample[] = [];
  readonly searchErrors: string[] = [];
  private readonly outstanding = new Map<string, number>();
  private sequence = 0;
  private timers: NodeJS.Timeout[] = [];
  private polling = false;

  constructor(private readonly options: FreshnessProbeOptions) {}

  start(): void {
    this.timers.push(setInterval(() => void this.produceProbe(), this.options.everyMs ?? 500));
    this.timers.push(setInterval(() => void this.poll(), this.options.pollMs ?? 100));
  }

  /** Stops probing; probes still unseen after `graceMs` are reported as missing. */
  async stop(graceMs = 10_000): Promise<{ missing: number }> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const deadline = Date.now() + graceMs;
    while (this.outstanding.size > 0 && Date.now() < deadline) {
      await this.poll();
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 100));
    }
    return { missing: this.outstanding.size };
  }

  private async produceProbe(): Promise<void> {
    const plate = `${this.options.platePrefix}${String(this.sequence++).padStart(5, '0')}`;
    const producedAtMs = Date.now();
    this.outstanding.set(plate, producedAtMs);
    const read = { cameraId: this.options.cameraId, capturedAt: new Date(producedAtMs).toISOString(), plate, plateRegion: 'WA', confidence: 0.99 };
    await this.options.producer.send({ topic: this.options.topic, messages: [{ key: this.options.cameraId, value: JSON.stringify(read) }], acks: -1 });
  }

  private async poll(): Promise<void> {
    if (this.polling || this.outstanding.size === 0) return;
    this.polling = true;
    try {
      const response = await fetch(`${this.options.searchUrl}/v1/searches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          purpose: 'other', caseNumber: 'FRESHNESS', reason: 'load test freshness probe',
          plate: this.options.platePrefix, plateMatch: 'partial', limit: 500,
          from: new Date(Math.min(...this.outstanding.values()) - 1000).toISOString(),
        }),
      });
      const seenAtMs = Date.now();
      if (!response.ok) {
        this.searchErrors.push(`${response.status} ${(await response.text()).slice(0, 200)}`);
        return;
      }
      const body = (await response.json()) as { items: Array<{ plate: string }> };
      for (const { plate } of body.items) {
        const producedAtMs = this.outstanding.get(plate);
        if (producedAtMs === undefined) continue;
        this.outstanding.delete(plate);
        this.samples.push({ producedAtMs, freshnessMs: seenAtMs - producedAtMs });
      }
    } catch (error) {
      this.searchErrors.push((error as Error).message);
    } finally {
      this.polling = false;
    }
  }
}

export function percentile(values: number[], quantile: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))];
}
