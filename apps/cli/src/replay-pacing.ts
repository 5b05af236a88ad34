/**
 * When each line of a replay is due, in ms after the replay started: the replay modes as pure functions, so their
 * contracts are tested without a clock. `undefined` means "as soon as possible".
 */
export type ReplayMode =
  | { kind: 'flat-out' }
  | { kind: 'rate'; perSecond: number }
  /** Linear from `fromPerSecond` to `toPerSecond` over `seconds`, then held at `toPerSecond`. */
  | { kind: 'ramp'; fromPerSecond: number; toPerSecond: number; seconds: number }
  /** The file's own capturedAt spacing, divided by `speed` (2 = twice as fast as recorded). */
  | { kind: 'recorded'; speed: number };

export interface Pacer {
  /** `index` counts lines over every loop; `line` is the raw NDJSON text; `loop` starts at 0. */
  dueMs(index: number, line: string, loop: number): number | undefined;
}

/** Reads produced by time t (s) of a ramp: ∫ rate = from·t + (to − from)·t² / 2T, then `to` per second. */
export function rampCountAt(mode: Extract<ReplayMode, { kind: 'ramp' }>, seconds: number): number {
  const { fromPerSecond: from, toPerSecond: to, seconds: span } = mode;
  if (seconds <= span) return from * seconds + ((to - from) * seconds * seconds) / (2 * span);
  return from * span + ((to - from) * span) / 2 + to * (seconds - span);
}

/** The inverse of `rampCountAt`: when the `count`-th read is due (s). */
export function rampTimeOf(mode: Extract<ReplayMode, { kind: 'ramp' }>, count: number): number {
  const { fromPerSecond: from, toPerSecond: to, seconds: span } = mode;
  const atEnd = rampCountAt(mode, span);
  if (count >= atEnd) return span + (count - atEnd) / to;
  const slope = (to - from) / span;
  if (Math.abs(slope) < 1e-12) return count / from;
  // slope/2·t² + from·t − count = 0, the root that is ≥ 0.
  return (-from + Math.sqrt(from * from + 2 * slope * count)) / slope;
}

const CAPTURED_AT = /"capturedAt"\s*:\s*"([^"]+)"/;

export function createPacer(mode: ReplayMode): Pacer {
  switch (mode.kind) {
    case 'flat-out':
      return { dueMs: () => undefined };
    case 'rate':
      return { dueMs: (index) => (index / mode.perSecond) * 1000 };
    case 'ramp':
      return { dueMs: (index) => rampTimeOf(mode, index) * 1000 };
    case 'recorded': {
      // The first line's capture time is the origin; a line without a readable one keeps its predecessor's time.
      let origin: number | undefined;
      let last = 0;
      let loopSpan = 0;
      let currentLoop = 0;
      let loopOffset = 0;
      return {
        dueMs: (_index, line, loop) => {
          if (loop !== currentLoop) {
            // Each loop starts where the previous one's recorded timing ended.
            loopOffset += loopSpan + 1;
            currentLoop = loop;
            last = 0;
          }
          const capturedAt = Date.parse(CAPTURED_AT.exec(line)?.[1] ?? '');
          if (!Number.isNaN(capturedAt)) {
            origin ??= capturedAt;
            last = Math.max(0, (capturedAt - origin) / mode.speed);
            if (loop === 0) loopSpan = Math.max(loopSpan, last);
          }
          return loopOffset + last;
        },
      };
    }
  }
}

/** `--ramp 100:2000:60` → from 100/s to 2,000/s over 60 s. */
export function parseRamp(text: string): Extract<ReplayMode, { kind: 'ramp' }> {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(text.trim());
  const [from, to, seconds] = match ? match.slice(1).map(Number) : [Number.NaN, Number.NaN, Number.NaN];
  if (!match || from <= 0 || to <= 0 || seconds <= 0) throw new Error(`--ramp wants <from>:<to>:<seconds> with positive numbers, e.g. 100:2000:60; got "${text}"`);
  return { kind: 'ramp', fromPerSecond: from, toPerSecond: to, seconds };
}
