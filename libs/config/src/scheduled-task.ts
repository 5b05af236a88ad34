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

/**
 * Runs `task` at the start of each interval of the clock (every multiple of `intervalMs` since the epoch, so every
 * instance of a service fires for the same slots, whenever it started), with the slot's start; otherwise as
 * `scheduleEvery`. A job that must run once per interval across instances claims the slot (e.g. audit checkpoints).
 */
export function scheduleAtEachSlot(intervalMs: number, task: (slotStart: Date) => Promise<unknown>, onError: (error: Error) => void): () => void {
  if (intervalMs <= 0) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastSlotStart = -Infinity;
  const next = () => {
    if (stopped) return;
    const now = Date.now();
    // Never the same slot twice, should the wall clock read a little behind the timer.
    const slotStart = Math.max(Math.floor(now / intervalMs) * intervalMs + intervalMs, lastSlotStart + intervalMs);
    lastSlotStart = slotStart;
    timer = setTimeout(() => {
      task(new Date(slotStart)).catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
      next();
    }, Math.max(0, slotStart - now));
    timer.unref();
  };
  next();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
