import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { errors as elasticErrors } from '@elastic/elasticsearch';
import { loadConfig } from '@platekeeper/config';
import { createElasticClient } from './reads-index';
import { isUnreachable } from './elastic-availability';

/** A stand-in Elasticsearch node on a free loopback port that answers cluster health, or 503 while `failing`. */
async function startNode(state: { failing: boolean }): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.setHeader('x-elastic-product', 'Elasticsearch');
    response.setHeader('content-type', 'application/json');
    response.statusCode = state.failing ? 503 : 200;
    response.end(JSON.stringify(state.failing ? { error: 'master_not_discovered_exception', status: 503 } : { status: 'green' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('createElasticClient', () => {
  const cluster = { failing: true };
  let nodes: Array<{ url: string; server: Server }>;

  beforeAll(async () => {
    nodes = await Promise.all([startNode(cluster), startNode(cluster), startNode(cluster)]);
  });
  afterAll(async () => {
    await Promise.all(nodes.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });

  it('reaches the cluster on the first request after it healed, though every node answered 503 during its failover', async () => {
    const client = createElasticClient(loadConfig({ ELASTICSEARCH_URL: nodes.map(({ url }) => url).join(',') }));
    try {
      // A failover: every node answers 503 to each probe for a while, and the client marks each one dead every time.
      for (let attempt = 0; attempt < 30; attempt++) {
        await expect(client.cluster.health({}, { maxRetries: 0 })).rejects.toThrow();
      }
      cluster.failing = false;
      // The stock weighted pool answered "There are no living connections" to the next ~232 requests here.
      await expect(client.cluster.health({}, { maxRetries: 0 })).resolves.toEqual({ status: 'green' });
    } finally {
      cluster.failing = true;
      await client.close();
    }
  });

  it('keeps sending requests to every node that answers once they are back', async () => {
    const client = createElasticClient(loadConfig({ ELASTICSEARCH_URL: nodes.map(({ url }) => url).join(',') }));
    try {
      for (let attempt = 0; attempt < 30; attempt++) await client.cluster.health({}, { maxRetries: 0 }).catch(() => undefined);
      cluster.failing = false;
      const answeredBy = new Set<string>();
      for (let attempt = 0; attempt < 6; attempt++) {
        const { meta } = await client.cluster.health({}, { maxRetries: 0, meta: true });
        answeredBy.add(meta.connection!.url.toString());
      }
      expect(answeredBy.size).toBe(3);
    } finally {
      cluster.failing = true;
      await client.close();
    }
  });
});

describe('isUnreachable', () => {
  it('counts a request that found no living node as unreachable, like a refused connection', () => {
    expect(isUnreachable(new elasticErrors.NoLivingConnectionsError('There are no living connections', {} as never))).toBe(true);
    expect(isUnreachable(new elasticErrors.ConnectionError('connect ECONNREFUSED'))).toBe(true);
    expect(isUnreachable(new elasticErrors.ResponseError({ statusCode: 400, body: {}, headers: {}, warnings: null, meta: {} } as never))).toBe(false);
  });
});
