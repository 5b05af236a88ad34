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

describe('ConsumerHealth through a restart of the consumer', () => {
  function watched(now: () => number) {
    const health = new ConsumerHealth(15_000, now);
    const listeners = new Map<string, (event: { payload: unknown }) => void>();
    const events = { GROUP_JOIN: 'join', FETCH: 'fetch', HEARTBEAT: 'heartbeat', COMMIT_OFFSETS: 'commit', END_BATCH_PROCESS: 'end', CRASH: 'crash', STOP: 'stop' };
    health.watch({ events, on: (name: string, listener: (event: { payload: unknown }) => void) => listeners.set(name, listener) } as never);
    const emit = (name: string, payload: unknown = {}) => listeners.get(name)!({ payload });
    return { health, emit };
  }
  const crash = { error: new Error('Broker 2 not found in the cached metadata'), restart: true };

  it('stays healthy while kafkajs restarts a consumer that was progressing (one broker of three died), stalled if the restart outlasts the stall time', () => {
    let now = 0;
    const { health, emit } = watched(() => now);
    emit('join');
    now = 5_000;
    emit('fetch');
    now = 6_000;
    emit('crash', crash);
    // Before: `crashed`, 503 for the seconds the restart took.
    expect(health.report()).toMatchObject({ state: 'restarting', lastError: 'Broker 2 not found in the cached metadata' });
    expect(health.healthy).toBe(true);
    now = 12_000;
    emit('join');
    expect([health.report().state, health.healthy]).toEqual(['running', true]);
    health.recovered();
    emit('crash', crash);
    expect(health.report().state).toBe('restarting');
    now = 27_001;
    expect([health.report().state, health.healthy]).toEqual(['stalled', false]);
  });

  it('is crashed when the consumer crashes again before a batch went through (a crash loop), or will not restart', () => {
    let now = 0;
    const { health, emit } = watched(() => now);
    emit('join');
    emit('crash', crash);
    now = 2_000;
    emit('join');
    now = 3_000;
    emit('crash', crash);
    expect([health.report().state, health.healthy]).toEqual(['crashed', false]);
    health.recovered();
    emit('join');
    emit('crash', { ...crash, restart: false });
    expect([health.report().state, health.healthy]).toEqual(['crashed', false]);
  });

  it('rides out one restart again once the member stayed in its group for a stall time, batches or not', () => {
    let now = 0;
    const { health, emit } = watched(() => now);
    emit('join');
    emit('crash', crash);
    emit('join');
    now = 16_000;
    emit('heartbeat');
    emit('crash', crash);
    expect([health.report().state, health.healthy]).toEqual(['restarting', true]);
  });
});
