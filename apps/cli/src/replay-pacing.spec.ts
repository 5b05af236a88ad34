import { createPacer, parseRamp, rampCountAt, rampTimeOf } from './replay-pacing';

const line = (capturedAt: string) => JSON.stringify({ cameraId: 'cam-1', capturedAt, plate: 'ABC123' });

describe('replay pacing', () => {
  it('spaces a fixed rate evenly: the 100th of 100/s is due at 1 s', () => {
    const pacer = createPacer({ kind: 'rate', perSecond: 100 });
    expect(pacer.dueMs(0, '', 0)).toBe(0);
    expect(pacer.dueMs(100, '', 0)).toBeCloseTo(1000);
    expect(pacer.dueMs(250, '', 1)).toBeCloseTo(2500);
  });

  it('ramps: the rate between consecutive reads rises from the start rate to the end rate, then holds', () => {
    const ramp = parseRamp('100:1000:10');
    const pacer = createPacer(ramp);
    const rateNear = (index: number) => 1000 / (pacer.dueMs(index + 1, '', 0)! - pacer.dueMs(index, '', 0)!);
    expect(rateNear(0)).toBeCloseTo(100, -1);
    const total = rampCountAt(ramp, 10);
    expect(total).toBeCloseTo(5500);
    expect(rateNear(Math.floor(rampCountAt(ramp, 5)))).toBeCloseTo(550, -1);
    expect(rateNear(Math.floor(total) - 2)).toBeCloseTo(1000, -1);
    expect(rateNear(Math.floor(total) + 500)).toBeCloseTo(1000, 5);
    const rates = [1, 2, 4, 6, 8].map((second) => rateNear(Math.floor(rampCountAt(ramp, second))));
    expect([...rates].sort((a, b) => a - b)).toEqual(rates);
  });

  it('inverts its own count: the n-th read of a ramp is due when n reads have been produced', () => {
    for (const ramp of [parseRamp('100:1000:10'), parseRamp('1000:100:10'), parseRamp('50:50:3')]) {
      for (const count of [0, 1, 10, 400, 3000, 9000]) expect(rampCountAt(ramp, rampTimeOf(ramp, count))).toBeCloseTo(count, 6);
    }
  });

  it('follows the recorded capture times divided by the speed, a line without one keeping its predecessor\'s time', () => {
    const pacer = createPacer({ kind: 'recorded', speed: 2 });
    expect(pacer.dueMs(0, line('2026-05-01T12:00:00Z'), 0)).toBe(0);
    expect(pacer.dueMs(1, line('2026-05-01T12:00:03Z'), 0)).toBe(1500);
    expect(pacer.dueMs(2, '{"broken', 0)).toBe(1500);
    expect(pacer.dueMs(3, line('2026-05-01T12:00:10-00:00'), 0)).toBe(5000);
  });

  it('starts each recorded loop after the previous one ended', () => {
    const pacer = createPacer({ kind: 'recorded', speed: 1 });
    const file = [line('2026-05-01T12:00:00Z'), line('2026-05-01T12:00:02Z')];
    const due = [0, 1, 2].flatMap((loop) => file.map((text, index) => pacer.dueMs(loop * 2 + index, text, loop)));
    expect(due).toEqual([0, 2000, 2001, 4001, 4002, 6002]);
  });

  it('refuses a ramp it cannot follow', () => {
    expect(() => parseRamp('100:0:10')).toThrow(/--ramp/);
    expect(() => parseRamp('fast')).toThrow(/--ramp/);
  });
});
