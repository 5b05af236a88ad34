import fc from 'fast-check';
import { EnrichedRead } from '@platekeeper/contract';
import { patternPlateGrams, plateGrams, plateMatchesPattern, readDocumentJson, toReadDocument } from './plate-grams';

describe('plate grams', () => {
  it('are the 3-grams of the plate with its ends marked, never none', () => {
    expect(plateGrams('ABC1')).toEqual(['^AB', 'ABC', 'BC1', 'C1$']);
    expect(plateGrams('A')).toEqual(['^A$']);
    expect(plateGrams('')).toEqual(['^$']);
    expect(plateGrams('AAAA')).toEqual(['^AA', 'AAA', 'AA$']);
  });

  it('are asked of a pattern only for literal runs long enough, anchored where the pattern is', () => {
    expect(patternPlateGrams('*ABC1*')).toEqual(['ABC', 'BC1']);
    expect(patternPlateGrams('7AB*')).toEqual(['^7A', '7AB']);
    expect(patternPlateGrams('*12')).toEqual(['12$']);
    expect(patternPlateGrams('A?B*C')).toEqual([]);
    expect(patternPlateGrams('ABC?12?XYZ')).toEqual(['^AB', 'ABC', 'XYZ', 'YZ$']);
  });

  // The search finds partial plates by these grams and then keeps only plates the pattern matches: a plate the
  // pattern matches must hold every gram the pattern asks for, or it would be missed.
  it('of a pattern are held by every plate the pattern matches', () => {
    const plate = fc.stringMatching(/^[A-Z0-9]{0,9}$/);
    const pattern = fc.stringMatching(/^[A-Z0-9*?]{1,9}$/);
    fc.assert(
      fc.property(plate, pattern, (candidate, asked) => {
        if (!plateMatchesPattern(candidate, asked)) return;
        const held = new Set(plateGrams(candidate));
        expect(patternPlateGrams(asked).filter((gram) => !held.has(gram))).toEqual([]);
      }),
      { numRuns: 5_000 },
    );
    // Matching plates built from the pattern, so the property is not only checked on the rare random match.
    fc.assert(
      fc.property(pattern, fc.array(fc.stringMatching(/^[A-Z0-9]{0,3}$/), { minLength: 10, maxLength: 10 }), (asked, fills) => {
        let fill = 0;
        const candidate = asked.replace(/[*?]/g, (wildcard) => (wildcard === '?' ? (fills[fill++] + 'X').slice(0, 1) : fills[fill++]));
        expect(plateMatchesPattern(candidate, asked)).toBe(true);
        const held = new Set(plateGrams(candidate));
        expect(patternPlateGrams(asked).filter((gram) => !held.has(gram))).toEqual([]);
      }),
      { numRuns: 5_000 },
    );
  });

  it('match patterns as Elasticsearch wildcards do: * any run, ? exactly one character, the whole plate', () => {
    expect(plateMatchesPattern('7ABC123', '*BC1*')).toBe(true);
    expect(plateMatchesPattern('7ABC123', 'BC1*')).toBe(false);
    expect(plateMatchesPattern('7ABC123', '7AB?123')).toBe(true);
    expect(plateMatchesPattern('7ABC123', '7AB??123')).toBe(false);
    expect(plateMatchesPattern('7ABC123', '7ABC123*')).toBe(true);
  });
});

describe('readDocumentJson', () => {
  const read = (overrides: Record<string, unknown> = {}) => ({
    readId: 'r-1', cameraId: 'cam-1', agencyId: 'wa-auburn-pd', agencyState: 'WA', capturedAt: '2026-05-01T12:00:00.000Z',
    plate: 'ABC123', plateFolded: 'A8C123', plateRaw: 'abc 123', location: { lat: 47.3, lon: -122.2 }, ingestedAt: '2026-05-01T12:00:01.000Z',
    ...overrides,
  }) as unknown as EnrichedRead;

  it('is the stored document of the read the text holds, whatever fields and spacing the text has', () => {
    fc.assert(fc.property(
      fc.record({ plate: fc.stringMatching(/^[A-Z0-9]{0,9}$/), extra: fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue()), indent: fc.constantFrom(undefined, 2), trailing: fc.constantFrom('', ' \n') }),
      ({ plate, extra, indent, trailing }) => {
        const enriched = read({ ...extra, plate });
        const text = JSON.stringify(enriched, null, indent) + trailing;
        const parsed = JSON.parse(text) as EnrichedRead;
        expect(JSON.parse(readDocumentJson(parsed, text))).toEqual(JSON.parse(JSON.stringify(toReadDocument(parsed))));
      },
    ));
  });

  it('computes the plate grams itself when the text already carries some', () => {
    const text = JSON.stringify({ ...read(), plateGrams: ['forged'] });
    const document = JSON.parse(readDocumentJson(JSON.parse(text), text));
    expect(document.plateGrams).toEqual(plateGrams('ABC123'));
    expect(Object.keys(document).filter((key) => key === 'plateGrams')).toHaveLength(1);
    expect(readDocumentJson(JSON.parse(text), text).match(/plateGrams/g)).toHaveLength(1);
  });
});
