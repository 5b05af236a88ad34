import { ConsumerHealth } from './consumer-health';

describe('ConsumerHealth', () => {
  it('reports a consumer whose downstream gave up as gave-up and unhealthy, with the reason, rather than crashed', () => {
    const health = new ConsumerHealth();
    health.gaveUp('Elasticsearch: 1 reads still unacknowledged after 8 retries; last: status 403 cluster_block_exception');
    expect(health.report()).toMatchObject({
      state: 'gave-up',
      lastError: 'Elasticsearch: 1 reads still unacknowledged after 8 retries; last: status 403 cluster_block_exception',
    });
    expect(health.healthy).toBe(false);
  });

  it('is running and healthy again once a batch goes through after giving up', () => {
    const health = new ConsumerHealth();
    health.gaveUp('index blocked');
    health.recovered();
    expect(health.report().state).toBe('running');
    expect(health.healthy).toBe(true);
  });

  it('does not call a consumer that is still starting running just because a batch went through elsewhere', () => {
    const health = new ConsumerHealth();
    health.recovered();
    expect(health.report().state).toBe('starting');
  });

  it('reports a running consumer that made no progress (fetch, heartbeat, commit) for the stall time as stalled and unhealthy', () => {
    let now = 0;
    const health = new ConsumerHealth(15_000, () => now);
    const listeners = new Map<string, (event: { payload: unknown }) => void>();
    const events = { GROUP_JOIN: 'join', FETCH: 'fetch', HEARTBEAT: 'heartbeat', COMMIT_OFFSETS: 'commit', END_BATCH_PROCESS: 'end', CRASH: 'crash', STOP: 'stop' };
    health.watch({ events, on: (name: string, listener: (event: { payload: unknown }) => void) => listeners.set(name, listener) } as never);
    listeners.get('join')!({ payload: {} });
    now = 14_000;
    expect(health.healthy).toBe(true);
    now = 15_001;
    expect(health.report()).toMatchObject({ state: 'stalled', sinceProgressMs: 15_001 });
    expect(health.healthy).toBe(false);
    listeners.get('heartbeat')!({ payload: {} });
    expect(health.report().state).toBe('running');
  });

  it('reports a consumer whose batch has waited on its downstream longer than the stall time as held-up, and running once it returns', () => {
    let now = 0;
    const health = new ConsumerHealth(15_000, () => now);
    const listeners = new Map<string, (event: { payload: unknown }) => void>();
    const events = { GROUP_JOIN: 'join', FETCH: 'fetch', HEARTBEAT: 'heartbeat', COMMIT_OFFSETS: 'commit', END_BATCH_PROCESS: 'end', CRASH: 'crash', STOP: 'stop' };
    health.watch({ events, on: (name: string, listener: (event: { payload: unknown }) => void) => listeners.set(name, listener) } as never);
    listeners.get('join')!({ payload: {} });
    const finished = health.batchStarted();
    now = 16_000;
    listeners.get('heartbeat')!({ payload: {} });
    expect(health.report()).toMatchObject({ state: 'held-up', batchWaitingMs: 16_000 });
    expect(health.healthy).toBe(false);
    finished();
    expect(health.report().state).toBe('running');
  });
});
