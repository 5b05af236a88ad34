import { AttemptTimedOut, ReplayInterrupted, sendThroughOutages } from './replay-resilience';

const never = () => new Promise<never>(() => undefined);
const interrupted = (error: string, waitedMs: number) => new ReplayInterrupted(7, 'checkpoint.json', error, waitedMs);

describe('sendThroughOutages', () => {
  it('gives up within its bound on sends that are neither answered nor failed (as kafkajs does after a broker is killed)', async () => {
    let attempts = 0;
    let timedOut = 0;
    const startedAt = Date.now();
    const outcome = await sendThroughOutages(() => (attempts++, never()), {
      outageTimeoutMs: 600, attemptTimeoutMs: 250, onAttemptTimedOut: () => timedOut++, interrupted,
    }).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(ReplayInterrupted);
    expect((outcome as ReplayInterrupted).message).toContain('no answer from Kafka within 250 ms');
    expect(Date.now() - startedAt).toBeLessThan(2_500);
    expect(timedOut).toBe(attempts);
  });

  it('sends again after an unanswered attempt and resolves once one is acknowledged', async () => {
    let attempts = 0;
    const reasons: string[] = [];
    await sendThroughOutages(() => (++attempts === 1 ? never() : Promise.resolve()), {
      outageTimeoutMs: 5_000, attemptTimeoutMs: 100, onWaiting: (_, reason) => reasons.push(reason), interrupted,
    });
    expect(attempts).toBe(2);
    expect(reasons).toEqual([new AttemptTimedOut('no answer from Kafka within 100 ms').message]);
  });
});
