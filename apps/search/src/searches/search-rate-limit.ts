import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { AuthenticatedUser } from '../auth/authenticated-user';

const ONE_MINUTE_MS = 60_000;

/**
 * Searches and previews per user per minute (SEARCH_RATE_LIMIT_PER_MINUTE, 0 = off). Counted per
 * instance, in memory. A refusal is a 429 with Retry-After, thrown inside Nest so the search's
 * RefusedSearchFilter records it like any other refused search.
 */
export const searchRateLimitModule = ThrottlerModule.forRootAsync({
  inject: [PLATEKEEPER_CONFIG],
  useFactory: (config: PlatekeeperConfig) => ({
    throttlers: [{ ttl: ONE_MINUTE_MS, limit: config.SEARCH_RATE_LIMIT_PER_MINUTE }],
    skipIf: () => config.SEARCH_RATE_LIMIT_PER_MINUTE === 0,
    // One budget per user for searches and previews together (the default key is per handler).
    generateKey: (_context: ExecutionContext, tracker: string, throttlerName: string) => `${throttlerName}:${tracker}`,
    errorMessage: (_context: ExecutionContext, detail: { timeToBlockExpire: number }) =>
      `searches are limited to ${config.SEARCH_RATE_LIMIT_PER_MINUTE} per minute per user; retry in ${detail.timeToBlockExpire} s`,
  }),
});

/** Runs after the AuthGuard, so the tracker is the authenticated user, not the client address. */
@Injectable()
export class SearchRateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, any>): Promise<string> {
    const user = request.user as AuthenticatedUser;
    return `user:${user.agencyId}/${user.userId}`;
  }
}
