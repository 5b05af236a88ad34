import { Controller, Get, Header, Module } from '@nestjs/common';
import { Counter, Histogram, collectDefaultMetrics, register } from 'prom-client';

collectDefaultMetrics();

/** The pipeline's and the search service's counters, one registry per process (Prometheus text at /metrics). */
export const pipelineMetrics = {
  readsIngested: new Counter({
    name: 'platekeeper_reads_ingested_total',
    help: 'Raw reads consumed by ingest, by outcome (enriched or dead_lettered) and dead-letter reason code',
    labelNames: ['outcome', 'reason'] as const,
  }),
  readsIndexed: new Counter({
    name: 'platekeeper_reads_indexed_total',
    help: 'Enriched reads handled by the indexer, by outcome (indexed, already_indexed: a replay left as it was, or dead_lettered)',
    labelNames: ['outcome'] as const,
  }),
  bulkRetries: new Counter({
    name: 'platekeeper_bulk_retries_total',
    help: 'Bulk requests retried because Elasticsearch pushed back or was unreachable',
  }),
  bulkRequestReads: new Histogram({
    name: 'platekeeper_bulk_request_reads',
    help: 'Reads per bulk request the indexer sent (first attempt), over every partition it consumes',
    buckets: [10, 100, 500, 1000, 2000, 3000, 4000, 5000, 7500, 10000],
  }),
};

export const searchMetrics = {
  searches: new Counter({
    name: 'platekeeper_searches_total',
    help: 'Searches answered, by scope',
    labelNames: ['scope'] as const,
  }),
  worldReruns: new Counter({
    name: 'platekeeper_search_world_reruns_total',
    help: 'Searches run again because the sharing world moved between their decision and their record',
  }),
  searchDuration: new Histogram({
    name: 'platekeeper_search_duration_seconds',
    help: 'Time to answer a search, visibility decision, Elasticsearch query and audit record included',
    labelNames: ['scope'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
};

export const gatewayMetrics = {
  requests: new Counter({
    name: 'platekeeper_gateway_requests_total',
    help: 'Camera gateway requests, by vendor format, outcome (accepted, refused) and refusal reason code',
    labelNames: ['format', 'outcome', 'reason'] as const,
  }),
  reads: new Counter({
    name: 'platekeeper_gateway_reads_total',
    help: 'Reads the camera gateway produced to the raw topic (acknowledged), by vendor format',
    labelNames: ['format'] as const,
  }),
  requestDuration: new Histogram({
    name: 'platekeeper_gateway_request_duration_seconds',
    help: 'Time to answer a camera post, key check, translation and Kafka acknowledgement included',
    labelNames: ['format'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
};

export const METRICS_CONTENT_TYPE = register.contentType;

export function renderMetrics(): Promise<string> {
  return register.metrics();
}

/** GET /metrics for the apps without authentication (ingest, indexer); search mounts its own, marked public. */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return renderMetrics();
  }
}

@Module({ controllers: [MetricsController] })
export class MetricsModule {}
