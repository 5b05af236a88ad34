import type { EnrichedRead } from '@platekeeper/contract';
import type { HotlistEntry, MatchKind } from '@platekeeper/persistence';

export interface HotlistMatch {
  entry: HotlistEntry;
  matchKind: MatchKind;
  /** the plate of the read, or of the candidate, that matched */
  matchedPlate: string;
}

const MATCH_PRECEDENCE: Record<MatchKind, number> = { exact: 0, candidate: 1, look_alike: 2 };

/**
 * The live entries by their look-alike-folded plate (the fuzzy search's folding, `foldPlateLookAlikes`): a read and
 * each of its candidates cost one map lookup whatever the number of entries. Built once per hotlist version.
 */
export class HotlistIndex {
  private readonly entriesByFoldedPlate = new Map<string, HotlistEntry[]>();
  readonly size: number;

  constructor(entries: Iterable<HotlistEntry>) {
    let size = 0;
    for (const entry of entries) {
      size++;
      const sameFold = this.entriesByFoldedPlate.get(entry.plateFolded);
      if (sameFold === undefined) this.entriesByFoldedPlate.set(entry.plateFolded, [entry]);
      else sameFold.push(entry);
    }
    this.size = size;
  }

  /** Whether some entry (live or not) has this folded plate: the cheap test before a read is parsed at all. */
  hasFoldedPlate(plateFolded: string): boolean {
    return this.entriesByFoldedPlate.has(plateFolded);
  }

  /**
   * Every entry live at `now` that the read matches, once each, by its strongest reason: the read's plate equal to
   * the entry's (exact), one of the read's alternative OCR candidates equal (candidate), or either equal after
   * folding look-alikes (look_alike). An entry naming a region matches only reads of that region or of none.
   */
  match(read: Pick<EnrichedRead, 'plate' | 'plateFolded' | 'plateRegion' | 'candidates'>, now: Date): HotlistMatch[] {
    if (this.size === 0) return [];
    const readings = [{ plate: read.plate, plateFolded: read.plateFolded, isCandidate: false }];
    for (const candidate of read.candidates ?? []) readings.push({ plate: candidate.plate, plateFolded: candidate.plateFolded, isCandidate: true });
    const best = new Map<string, HotlistMatch>();
    for (const reading of readings) {
      for (const entry of this.entriesByFoldedPlate.get(reading.plateFolded) ?? []) {
        if (Date.parse(entry.expiresAt) <= now.getTime()) continue;
        if (entry.plateRegion !== null && read.plateRegion !== undefined && entry.plateRegion !== read.plateRegion) continue;
        const matchKind: MatchKind = reading.plate !== entry.plate ? 'look_alike' : reading.isCandidate ? 'candidate' : 'exact';
        const known = best.get(entry.id);
        if (known === undefined || MATCH_PRECEDENCE[matchKind] < MATCH_PRECEDENCE[known.matchKind]) {
          best.set(entry.id, { entry, matchKind, matchedPlate: reading.plate });
        }
      }
    }
    return [...best.values()];
  }
}

const FOLDED_PLATE_FIELD = Buffer.from('"plateFolded":"');
const QUOTE = 0x22;

/**
 * Whether any `plateFolded` in the serialised read (its own or a candidate's) is a key of the index. Ingest writes
 * the document with JSON.stringify, and a folded plate holds only A–Z and 0–9, so the value runs to the next quote.
 * A document without the field cannot be a read; it is skipped as parsing would skip it.
 */
export function mayMatch(value: Buffer, index: HotlistIndex): boolean {
  for (let at = value.indexOf(FOLDED_PLATE_FIELD); at >= 0; at = value.indexOf(FOLDED_PLATE_FIELD, at + 1)) {
    const start = at + FOLDED_PLATE_FIELD.length;
    const end = value.indexOf(QUOTE, start);
    if (end > start && index.hasFoldedPlate(value.toString('latin1', start, end))) return true;
  }
  return false;
}
