import type { EnrichedRead } from '@platekeeper/contract';
import { isReadVisible } from '@platekeeper/sharing';
import type { DecidingWorld } from './live-registries.service';
import type { HotlistIndex, HotlistMatch } from './hotlist-index';

export interface ScopedMatch extends HotlistMatch {
  read: EnrichedRead;
}

/**
 * The matches that may raise an alert: an entry of agency R matches a read of owner O only if a national search by
 * R with the entry's purpose could see that read now (CONTRACT §3, the same pure rule as every search). Any other
 * match is dropped here, before anything is written or sent, so R learns nothing of it.
 */
export function scopedMatches(reads: EnrichedRead[], index: HotlistIndex, world: DecidingWorld, now: Date): ScopedMatch[] {
  const matches: ScopedMatch[] = [];
  for (const read of reads) {
    for (const match of index.match(read, now)) {
      const decision = world.nationalSearch(match.entry.agencyId, match.entry.purpose, now);
      if (isReadVisible(decision, { agencyId: read.agencyId, capturedAt: new Date(read.capturedAt) }, now)) matches.push({ ...match, read });
    }
  }
  return matches;
}
