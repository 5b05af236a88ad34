import { createHash } from 'node:crypto';

/** One answered search as the anomaly rules read it, from its record. */
export interface ReviewedSearch {
  seq: string;
  recordedAt: Date;
  userId: string;
  searchId: string;
  purpose: string;
  reason: string;
  scope: string;
  criteria: { plate?: string; plateMatch?: string; vehicle?: unknown };
}

export const ANOMALY_RULES = ['repeated_plate', 'after_hours_burst', 'reason_names_denied_purpose', 'wide_search_thin_reason'] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export interface AnomalyFlag {
  flagId: string;
  rule: AnomalyRule;
  userId: string;
  searchIds: string[];
  seqs: string[];
  firstAt: string;
  lastAt: string;
  detail: string;
}

export interface AnomalyOptions {
  /** the same plate searched this many times by one user within `repeatWindowHours` */
  repeatThreshold: number;
  repeatWindowHours: number;
  /** after hours, local time in `timeZone`: from this hour (inclusive) to that one (exclusive), across midnight when from > to */
  afterHoursFrom: number;
  afterHoursTo: number;
  /** IANA time zone the after-hours window is in: the agency's */
  timeZone: string;
  /** this many after-hours searches by one user within `burstWindowMinutes` */
  burstThreshold: number;
  burstWindowMinutes: number;
  /** a reason shorter than this (trimmed) or of fewer than `thinReasonWords` words is thin */
  thinReasonChars: number;
  thinReasonWords: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  repeatThreshold: 5, repeatWindowHours: 7 * 24, afterHoursFrom: 22, afterHoursTo: 6, timeZone: 'UTC', burstThreshold: 10, burstWindowMinutes: 60,
  thinReasonChars: 25, thinReasonWords: 4,
};

/** Words in a reason that name a purpose a law commonly denies (immigration, reproductive health care). */
const DENIED_PURPOSE_WORDS = /\b(ice|cbp|immigration|immigrant|deport\w*|undocumented|illegal alien|abortion|reproductive)\b/i;
const PURPOSES_THOSE_WORDS_BELONG_TO = new Set(['immigration_enforcement', 'reproductive_health']);

/**
 * The anomaly review queue's rules (docs/oversight.md) over one agency's users' answered searches: pure, so the same
 * records always raise the same flags with the same ids; a flag's id names its rule, user and searches.
 */
export function anomalyFlags(searches: ReviewedSearch[], options: AnomalyOptions = DEFAULT_ANOMALY_OPTIONS): AnomalyFlag[] {
  const inOrder = [...searches].sort((left, right) => left.recordedAt.getTime() - right.recordedAt.getTime() || Number(BigInt(left.seq) - BigInt(right.seq)));
  const flags: AnomalyFlag[] = [];
  const byUser = groupBy(inOrder, (search) => search.userId);
  const localHour = localHourIn(options.timeZone);

  for (const [userId, own] of byUser) {
    for (const [plate, same] of groupBy(own.filter((search) => normalisedPlate(search) !== ''), normalisedPlate)) {
      for (const run of denseRuns(same, options.repeatThreshold, options.repeatWindowHours * 3_600_000)) {
        flags.push(flag('repeated_plate', userId, run, `plate ${plate} searched ${run.length} times within ${options.repeatWindowHours} h`));
      }
    }
    const afterHours = own.filter((search) => isAfterHours(localHour(search.recordedAt), options));
    for (const run of denseRuns(afterHours, options.burstThreshold, options.burstWindowMinutes * 60_000)) {
      flags.push(flag('after_hours_burst', userId, run, `${run.length} searches within ${options.burstWindowMinutes} min after hours (${options.afterHoursFrom}:00–${options.afterHoursTo}:00 ${options.timeZone})`));
    }
  }
  for (const search of inOrder) {
    const named = DENIED_PURPOSE_WORDS.exec(search.reason);
    if (named !== null && !PURPOSES_THOSE_WORDS_BELONG_TO.has(search.purpose)) {
      flags.push(flag('reason_names_denied_purpose', search.userId, [search], `reason says "${named[0]}" while the stated purpose is ${search.purpose}`));
    }
    const reason = search.reason.trim();
    const thin = reason.length < options.thinReasonChars || reason.split(/\s+/).length < options.thinReasonWords;
    if (isWide(search) && thin) {
      flags.push(flag('wide_search_thin_reason', search.userId, [search], `${wideness(search)} with the reason "${reason}"`));
    }
  }
  return flags.sort((left, right) => (left.firstAt < right.firstAt ? -1 : left.firstAt > right.firstAt ? 1 : left.flagId < right.flagId ? -1 : 1));
}

function normalisedPlate(search: ReviewedSearch): string {
  return typeof search.criteria.plate === 'string' ? search.criteria.plate.toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
}

/** The hour of day (0–23) of an instant in `timeZone`, daylight saving time included. */
function localHourIn(timeZone: string): (at: Date) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
  return (at) => Number(format.formatToParts(at).find((part) => part.type === 'hour')!.value);
}

function isAfterHours(hour: number, options: AnomalyOptions): boolean {
  return options.afterHoursFrom <= options.afterHoursTo
    ? hour >= options.afterHoursFrom && hour < options.afterHoursTo
    : hour >= options.afterHoursFrom || hour < options.afterHoursTo;
}

/** National scope, a vehicle-only search, or a partial plate: searches that reach many people's reads. */
function isWide(search: ReviewedSearch): boolean {
  return search.scope === 'national' || search.criteria.plate === undefined || search.criteria.plateMatch === 'partial';
}

function wideness(search: ReviewedSearch): string {
  if (search.criteria.plate === undefined) return `a ${search.scope} search by vehicle only`;
  if (search.criteria.plateMatch === 'partial') return `a ${search.scope} search for a partial plate`;
  return 'a national search';
}

/** Maximal runs of at least `threshold` items within `windowMs` of the run's first, none shared between runs. */
function denseRuns(items: ReviewedSearch[], threshold: number, windowMs: number): ReviewedSearch[][] {
  const runs: ReviewedSearch[][] = [];
  let start = 0;
  while (start < items.length) {
    let end = start;
    while (end + 1 < items.length && items[end + 1].recordedAt.getTime() - items[start].recordedAt.getTime() <= windowMs) end++;
    if (end - start + 1 >= threshold) {
      runs.push(items.slice(start, end + 1));
      start = end + 1;
    } else {
      start++;
    }
  }
  return runs;
}

function flag(rule: AnomalyRule, userId: string, searches: ReviewedSearch[], detail: string): AnomalyFlag {
  const seqs = searches.map((search) => search.seq);
  return {
    // The id names the rule, the user and the searches (the detail carries any window), so the same flag keeps its id.
    flagId: `${rule}-${createHash('sha256').update(`${rule}|${userId}|${seqs.join(',')}|${detail}`).digest('hex').slice(0, 20)}`,
    rule, userId, seqs, searchIds: searches.map((search) => search.searchId),
    firstAt: searches[0].recordedAt.toISOString(), lastAt: searches[searches.length - 1].recordedAt.toISOString(), detail,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}
