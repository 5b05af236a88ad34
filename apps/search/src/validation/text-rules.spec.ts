import { MAX_INPUT_NESTING, MAX_RECORD_NESTING, isTimestamp, storableRecordValue, storableText, unsafeInputProblems } from './text-rules';

describe('text rules at the edge', () => {
  it.each([
    '2026-11-27', '2026-11-27T10:00Z', '2026-11-27T10:00:00Z', '2026-11-27T10:00:00.123456789Z', '2026-11-27T10:00:00+05:30',
    '2024-02-29', '0001-01-01',
  ])('accepts the timestamp %s', (value) => {
    expect(isTimestamp(value)).toBe(true);
  });

  it.each([
    '2026-W47', '2026-331', '20261127', '2026-11-27 10:00:00Z', '2026-11-27T10:00:00', '2026-11-27T10Z', '2026-02-30',
    '2025-02-29', '2026-11-27T24:00:00Z', '2026-11-27T10:60:00Z', '+002026-11-27', '2026-11-27T10:00:00+15:00', '', 12,
  ])('refuses the timestamp %s', (value) => {
    expect(isTimestamp(value)).toBe(false);
  });

  it('names every string, and every field name, holding a NUL or a lone surrogate', () => {
    const body = {
      caseNumber: 'A\u0000',
      reason: 'fine \ud83d\ude97 emoji',
      vehicle: { make: 'x\ud800', model: 'ok' },
      cameraIds: ['ok', '\udc00'],
      ['bad\u0000key']: 1,
    };
    const named = (problems: string[]) => problems.map((problem) => problem.replace(/ must not contain .*/, ''));
    expect(named(unsafeInputProblems(body, ''))).toEqual(['caseNumber', 'vehicle.make', 'cameraIds[1]', 'a field name']);
    expect(named(unsafeInputProblems('a\u0000', 'id'))).toEqual(['id']);
    expect(unsafeInputProblems({ reason: 'a well-formed pair \ud83d\ude97' }, '')).toEqual([]);
  });

  it('names the keys class-validator would take for members of every class', () => {
    expect(unsafeInputProblems({ statewide: true, constructor: [] }, '')).toEqual(['property constructor should not exist']);
    expect(unsafeInputProblems({ sharing: { prototype: 1 } }, '')).toEqual(['property sharing.prototype should not exist']);
  });

  it('names a value that nests too deep to validate', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 10_000; level++) deep = [deep];
    expect(unsafeInputProblems({ vehicle: { make: deep } }, '')).toEqual([
      `vehicle.make${'[0]'.repeat(MAX_INPUT_NESTING - 2)} must not nest deeper than ${MAX_INPUT_NESTING} levels`,
    ]);
  });

  it('replaces what PostgreSQL cannot store and keeps well-formed pairs', () => {
    expect(storableText('a\u0000b\ud800c\ud83d\ude97')).toBe('a\uFFFDb\uFFFDc\ud83d\ude97');
  });

  it('copies a value for the record with storable text and a marker where it nests too deep', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 50_000; level++) deep = { a: deep };
    const recorded = storableRecordValue({ purpose: deep, ['k\u0000']: ['x\ud800'], total: 3 }) as Record<string, any>;
    expect(recorded.total).toBe(3);
    expect(recorded['k\uFFFD']).toEqual(['x\uFFFD']);
    let cursor = recorded.purpose;
    for (let level = 1; level < MAX_RECORD_NESTING; level++) cursor = cursor.a;
    expect(cursor).toBe(`[nested deeper than ${MAX_RECORD_NESTING} levels]`);
    expect(() => JSON.stringify(recorded)).not.toThrow();
  });
});
