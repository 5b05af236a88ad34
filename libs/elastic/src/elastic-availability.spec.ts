import { Client, errors as elasticErrors } from '@elastic/elasticsearch';
import { ElasticAvailability } from './elastic-availability';

/** A client whose cluster-health answers are scripted: a status, or an error thrown. */
function scriptedClient(answers: Array<string | Error>): Client {
  return {
    connectionPool: { connections: [{}] },
    cluster: {
      health: async () => {
        const next = answers.shift();
        if (next === undefined) throw new Error('no answer scripted');
        if (next instanceof Error) throw next;
        return { status: next };
      },
    },
  } as unknown as Client;
}

const unanswered = () => new elasticErrors.TimeoutError('Request timed out');
const refused = () => new elasticErrors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200');

describe('ElasticAvailability', () => {
  it('takes one unanswered probe of an answering cluster for a loaded machine, two in a row for a hung engine', async () => {
    const availability = new ElasticAvailability(scriptedClient(['green', unanswered(), 'green', unanswered(), unanswered()]), 1_000, 800);
    await availability.probe();
    await availability.probe();
    // Before: one probe unanswered within 800 ms marked Elasticsearch down, and every search was refused until the next.
    expect(availability.down).toBe(false);
    expect((await availability.status()).status).toBe('green');
    await availability.probe();
    await availability.probe();
    expect(availability.down).toBe(false);
    await availability.probe();
    expect(availability.down).toBe(true);
    expect((await availability.status()).error).toMatch(/TimeoutError/);
  });

  it('is down at once when a probe cannot reach Elasticsearch, or when the first probe ever goes unanswered', async () => {
    const reachedBefore = new ElasticAvailability(scriptedClient(['green', refused()]), 1_000, 800);
    await reachedBefore.probe();
    await reachedBefore.probe();
    expect(reachedBefore.down).toBe(true);

    const neverAnswered = new ElasticAvailability(scriptedClient([unanswered()]), 1_000, 800);
    await neverAnswered.probe();
    expect(neverAnswered.down).toBe(true);
  });
});
