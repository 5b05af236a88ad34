import { Admin, KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { KafkaAvailability } from './kafka-availability';

/** An admin whose metadata requests answer as `next` says: at once, with an error, or never. */
function adminAnswering(next: { answer: 'ok' | 'refused' | 'never' }): Admin {
  return {
    fetchTopicMetadata: () =>
      next.answer === 'ok' ? Promise.resolve({ topics: [] })
        : next.answer === 'refused' ? Promise.reject(new KafkaJSConnectionError('connect ECONNREFUSED'))
          : new Promise(() => undefined),
  } as unknown as Admin;
}

describe('KafkaAvailability', () => {
  it('is down within its timeout when the metadata request is not answered, without piling up more requests', async () => {
    const next = { answer: 'ok' as 'ok' | 'refused' | 'never' };
    const availability = new KafkaAvailability(adminAnswering(next), 'alpr.reads.raw', 1_000, 100);
    await availability.probe();
    expect(availability.up).toBe(true);
    next.answer = 'never';
    const startedAt = Date.now();
    await availability.probe();
    expect([availability.up, Date.now() - startedAt < 1_000]).toEqual([false, true]);
    expect(availability.error).toMatch(/no metadata answer within 100 ms/);
    // The unanswered request still holds (a frozen broker): the next probe waits on it rather than send another.
    next.answer = 'refused';
    await availability.probe();
    expect([availability.up, availability.error]).toEqual([false, 'no metadata answer within 100 ms']);
  });

  it('says why when the broker refuses the metadata request', async () => {
    const availability = new KafkaAvailability(adminAnswering({ answer: 'refused' }), 'alpr.reads.raw', 1_000, 100);
    await availability.probe();
    expect([availability.up, availability.error]).toEqual([false, expect.stringMatching(/ECONNREFUSED/)]);
  });

  it('takes the latest produce outcome: a send that found no broker is down at once, one the broker refused for its content is not', async () => {
    const availability = new KafkaAvailability(adminAnswering({ answer: 'ok' }), 'alpr.reads.raw', 60_000, 100);
    await availability.probe();
    // As kafkajs builds it from the broker's error code 10 (src/protocol/error.js); its typings take only the message.
    const tooLarge = { name: 'KafkaJSProtocolError', message: 'The request included a message larger than the max message size the server will accept', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false };
    availability.noteSendFailed(new KafkaJSProtocolError(tooLarge as Error));
    expect(availability.up).toBe(true);
    availability.noteSendFailed(new Error('timed out'));
    expect([availability.up, availability.error]).toEqual([false, 'Error: timed out']);
    availability.noteAcknowledged();
    expect(availability.up).toBe(true);
  });

  it('is down when nothing was heard for two intervals and a timeout, as when its probes stopped', async () => {
    const availability = new KafkaAvailability(adminAnswering({ answer: 'ok' }), 'alpr.reads.raw', 100, 50);
    await availability.probe();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(availability.up).toBe(false);
  });
});
