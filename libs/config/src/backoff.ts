/**
 * The one retry wait: `baseDelayMs` doubled per attempt (attempt 0 is the first retry), at most `ceilingMs`, jittered
 * over its upper half so many clients that failed together do not retry together.
 */
export function jitteredBackoff(attempt: number, baseDelayMs: number, ceilingMs = 5_000): number {
  const ceiling = Math.min(ceilingMs, baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
