import { Injectable } from '@nestjs/common';
import { CameraKeyStore, VerifiedCameraKey } from '@platekeeper/persistence';

/** Most distinct keys one lookup asks PostgreSQL for; more waiting form the next one. */
const MAX_KEYS_PER_LOOKUP = 500;

/** Lookups with PostgreSQL at once: a request arriving just after one left need not wait for it to come back. */
const MAX_LOOKUPS_IN_FLIGHT = 2;

interface Waiter {
  resolve(key: VerifiedCameraKey | null): void;
  reject(error: unknown): void;
}

/**
 * Camera key verification sharing PostgreSQL round trips: while MAX_LOOKUPS_IN_FLIGHT lookups are with the database,
 * the keys of the requests that arrive wait and are looked up together in the next one (a query per round trip rather
 * than per request: the lookup was the largest cost of a one-read webhook). Every request's lookup starts after the
 * request arrived, so a key rotated or revoked before it arrived is refused, exactly as with a lookup of its own.
 */
@Injectable()
export class CameraKeyLookups {
  private waiting = new Map<string, Waiter[]>();
  private lookingUp = 0;

  constructor(private readonly keys: CameraKeyStore) {}

  verify(apiKey: string): Promise<VerifiedCameraKey | null> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(apiKey);
      if (waiters === undefined) this.waiting.set(apiKey, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      if (this.lookingUp < MAX_LOOKUPS_IN_FLIGHT) void this.lookUpWaiting();
    });
  }

  private async lookUpWaiting(): Promise<void> {
    this.lookingUp++;
    try {
      while (this.waiting.size > 0) {
        const batch = new Map<string, Waiter[]>();
        for (const [apiKey, waiters] of this.waiting) {
          if (batch.size === MAX_KEYS_PER_LOOKUP) break;
          batch.set(apiKey, waiters);
          this.waiting.delete(apiKey);
        }
        try {
          const verified = await this.keys.verifyMany([...batch.keys()]);
          for (const [apiKey, waiters] of batch) for (const waiter of waiters) waiter.resolve(verified.get(apiKey) ?? null);
        } catch (error) {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      this.lookingUp--;
    }
  }
}
