/**
 * Runs `task` every `intervalMs` from now on (not at once) until the returned stop function is called: the one way the
 * services schedule their background jobs (retention sweeps, checkpoints, governed changes, hotlist purges). A failed
 * run goes to `onError` and the next one still comes; the timer never holds the process open; with `intervalMs` ≤ 0
 * nothing is scheduled (the setting that turns a job off).
 */
export function scheduleEvery(intervalMs: number, task: () => Promise<unknown>, onError: (error: Error) => void): () => void {
  if (intervalMs <= 0) return () => undefined;
  const timer = setInterval(() => {
    task().catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
