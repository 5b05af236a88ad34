import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { loadConfig } from '@platekeeper/config';
import { AuditRecordStore, dataSourceOptions } from '@platekeeper/persistence';
import { AuditTrail } from '../../apps/search/src/audit/audit-trail.service';

/**
 * The least a search may do under the contract, as its own process (bench:search-load's third target): send the
 * final query to Elasticsearch, record the search durably with the reads it returned (CONTRACT §4: recorded before
 * it answers), then answer. No JWT, validation, sharing decision or framework. Against it, the API's throughput shows
 * what the service itself costs; against Elasticsearch direct, it shows what a durable record costs.
 *
 * Body: the `_search` body; header `x-searcher`: the searching agency. Config from the environment, as the search
 * service's; FLOOR_PORT is where it listens, FLOOR_INDEX the index pattern it searches.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const port = Number(process.env.FLOOR_PORT);
  const searchUrl = `${config.ELASTICSEARCH_URL.split(',')[0]}/${process.env.FLOOR_INDEX}/_search?ignore_unavailable=true&allow_no_indices=true`;
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  const trail = new AuditTrail(new AuditRecordStore(dataSource));

  const server = createServer((request, response) => {
    answer(request).then(
      (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body),
      (error: unknown) => response.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });

  async function answer(request: IncomingMessage): Promise<string> {
    if (request.url === '/health') return '{"status":"ok"}';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const searcher = String(request.headers['x-searcher']);
    const elastic = await fetch(searchUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
    if (!elastic.ok) throw new Error(`elasticsearch answered ${elastic.status}`);
    const found = (await elastic.json()) as { hits: { total: { value: number }; hits: Array<{ _source: { agencyId: string } }> } };
    const returnedByOwner: Record<string, number> = {};
    for (const hit of found.hits.hits) returnedByOwner[hit._source.agencyId] = (returnedByOwner[hit._source.agencyId] ?? 0) + 1;
    await trail.append({
      kind: 'search', action: 'search.reads', actorUserId: `floor@${searcher}`, actorAgencyId: searcher,
      payload: {
        searchId: randomUUID(), purpose: 'criminal_investigation', caseNumber: 'LOAD-1', reason: 'search load benchmark floor',
        scope: 'national', criteria: {}, outcome: 'answered', total: found.hits.total.value, returnedByOwner, withheldOwners: [],
      },
    });
    return JSON.stringify({ items: found.hits.hits.map((hit) => hit._source), total: found.hits.total.value });
  }

  server.listen(port, '127.0.0.1');
  const stop = () => server.close(() => void dataSource.destroy().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`record floor server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
