import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PlatekeeperConfig, loadConfig } from '@platekeeper/config';
import { createKafka, ensureReadTopics } from '@platekeeper/kafka';
import { migrateDatabase } from '@platekeeper/persistence';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import { IsolatedKafka } from './support/isolated-kafka';
import { eventually } from './support/platekeeper-stack';

jest.setTimeout(240_000);

const PROBE_INTERVAL_MS = 500;

/**
 * The gateway's /health through a Kafka outage on a broker of the suite's own (port 41090; the shared broker is never
 * touched): frozen (SIGSTOP, connections open but unanswered), then killed and started again. Before, the gateway
 * said `ok` throughout: it took its Kafka state from the producer's connect/disconnect events only.
 */
describe('the camera gateway through a Kafka outage', () => {
  const kafka = new IsolatedKafka(41090);
  let config: PlatekeeperConfig;
  let gateway: NestFastifyApplication;
  let gatewayUrl: string;

  const health = async () => {
    const response = await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const healthWith = (status: number, within: number, what: string) =>
    eventually(async () => {
      const answer = await health();
      return answer.status === status ? answer : undefined;
    }, within, what);

  beforeAll(async () => {
    await kafka.start();
    config = loadConfig({
      ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', KAFKA_BROKERS: kafka.brokers, KAFKA_SASL_MECHANISM: 'none', JWT_SECRET: 'e2e-secret',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platekeeper_test',
      ENGINE_PROBE_INTERVAL_MS: String(PROBE_INTERVAL_MS),
    });
    await migrateDatabase(config);
    await ensureReadTopics(createKafka(config, 'admin', 'gateway-outage-provisioning'), config);
    gateway = await createGatewayApp(config);
    await gateway.listen(0, '127.0.0.1');
    gatewayUrl = await gateway.getUrl();
  });

  afterAll(async () => {
    await kafka.kill();
    await gateway?.close().catch(() => undefined);
    await kafka.stop();
  });

  it('answers /health 503 while its broker is frozen or dead, at once, and 200 within seconds of its return', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', engines: { kafka: 'up', postgres: 'up' } } });

    kafka.freeze();
    const frozenAt = Date.now();
    const frozen = await healthWith(503, 10_000, 'the gateway to say a frozen Kafka is down');
    expect(frozen.body).toEqual({ status: 'unavailable', engines: { kafka: 'down', postgres: 'up' } });
    // Within a probe interval and its timeout (plus a loaded machine's slack).
    expect(Date.now() - frozenAt).toBeLessThan(PROBE_INTERVAL_MS + config.ENGINE_PROBE_TIMEOUT_MS + 3_000);

    await kafka.kill();
    const startedAnswering = Date.now();
    const during = await health();
    expect([during.status, Date.now() - startedAnswering < 1_000]).toEqual([503, true]);

    await kafka.start();
    const restartedAt = Date.now();
    await healthWith(200, 15_000, 'the gateway to say Kafka is back');
    expect(Date.now() - restartedAt).toBeLessThan(15_000);
  });
});
