import { errors as elasticErrors } from '@elastic/elasticsearch';
import { searchFailure } from './search-failure';

const engineResponse = (statusCode: number, type: string, reason: string) =>
  new elasticErrors.ResponseError({
    statusCode,
    body: { error: { type: 'search_phase_execution_exception', root_cause: [{ type, reason }] }, status: statusCode },
    headers: {},
    warnings: null,
    meta: {} as never,
  });

describe('what a client learns of an Elasticsearch failure', () => {
  it.each([
    ['a query the engine could not parse', engineResponse(400, 'parse_exception', 'failed to parse date field [2026-W47]'), 'SEARCH.NOT_RUNNABLE'],
    ['a tripped circuit breaker', engineResponse(429, 'circuit_breaking_exception', '[parent] Data too large'), 'ENGINE.UNAVAILABLE'],
    ['an engine that is down', new elasticErrors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200'), 'ENGINE.UNAVAILABLE'],
    ['a search that ran out of time', new elasticErrors.TimeoutError('Request timed out'), 'SEARCH.TIMED_OUT'],
    ['anything else', new Error('query_shard_exception: failed to create query'), 'ENGINE.UNAVAILABLE'],
  ])('turns %s into %s with a fixed sentence and none of the engine text', (_what, error, code) => {
    const failure = searchFailure(error, 5000);
    expect(failure.code).toBe(code);
    expect(failure.message).not.toMatch(/exception|parse|ECONNREFUSED|9200|Data too large|timed out/i);
  });

  it('names the time limit when a search timed out', () => {
    expect(searchFailure(new elasticErrors.TimeoutError('Request timed out'), 1500).message).toMatch(/within 1500 ms/);
  });
});
