import { errors as elasticErrors } from '@elastic/elasticsearch';
import { DomainError } from '../errors/domain-error';

/** What a client learns of an Elasticsearch failure: a code and a fixed sentence. The engine's own text goes to the log only. */
export function searchFailure(error: unknown, timeoutMs: number): DomainError {
  if (error instanceof elasticErrors.TimeoutError) {
    return new DomainError('SEARCH.TIMED_OUT', `the search did not finish within ${timeoutMs} ms; narrow its criteria (plate, time window, area) and try again`);
  }
  if (error instanceof elasticErrors.ResponseError && error.statusCode === 400) {
    return new DomainError('SEARCH.NOT_RUNNABLE', 'the search engine could not run these criteria; check them and try again');
  }
  return new DomainError('ENGINE.UNAVAILABLE', 'search is unavailable; try again later');
}
