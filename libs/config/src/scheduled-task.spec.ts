import { scheduleEvery } from './scheduled-task';

describe('scheduleEvery', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the task every interval, not at once, goes on after a failed run, and stops when told', async () => {
    const errors: string[] = [];
    let runs = 0;
    const stop = scheduleEvery(1_000, async () => {
      runs++;
      if (runs === 2) throw new Error('engine away');
    }, (error) => errors.push(error.message));
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(3);
    expect(errors).toEqual(['engine away']);
    stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(3);
  });

  it('schedules nothing for an interval of 0 (the setting that turns a job off)', async () => {
    let runs = 0;
    scheduleEvery(0, async () => void runs++, () => undefined);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(0);
  });
});
