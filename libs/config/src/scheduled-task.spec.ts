import { scheduleAtEachSlot, scheduleEvery } from './scheduled-task';

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

describe('scheduleAtEachSlot', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the task once at the start of each interval of the clock, with the slot\'s start, whenever it was started', async () => {
    jest.setSystemTime(new Date('2026-11-27T12:00:07.500Z'));
    const slots: string[] = [];
    const stop = scheduleAtEachSlot(10_000, async (slotStart) => void slots.push(slotStart.toISOString()), () => undefined);
    await jest.advanceTimersByTimeAsync(2_499);
    expect(slots).toEqual([]);
    await jest.advanceTimersByTimeAsync(20_001);
    expect(slots).toEqual(['2026-11-27T12:00:10.000Z', '2026-11-27T12:00:20.000Z', '2026-11-27T12:00:30.000Z']);
    stop();
    await jest.advanceTimersByTimeAsync(50_000);
    expect(slots).toHaveLength(3);
  });
});
