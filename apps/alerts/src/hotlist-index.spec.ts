import { foldPlateLookAlikes } from '@platekeeper/contract';
import type { HotlistEntry } from '@platekeeper/persistence';
import { HotlistIndex, mayMatch } from './hotlist-index';

const NOW = new Date('2026-11-27T12:00:00Z');

function entry(id: string, plate: string, overrides: Partial<HotlistEntry> = {}): HotlistEntry {
  return {
    id, hotlistId: 'list', agencyId: 'us-cbp-blaine', plate, plateFolded: foldPlateLookAlikes(plate), plateRegion: null, vehicle: null,
    purpose: 'stolen_vehicle', caseNumber: 'C-1', reason: 'stolen from the lot', source: 'manual', addedBy: 'u1',
    createdAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-12-01T00:00:00.000Z', removedAt: null, removedBy: null, ...overrides,
  };
}

function read(plate: string, candidates: string[] = [], plateRegion?: string) {
  return {
    plate, plateFolded: foldPlateLookAlikes(plate), plateRegion,
    candidates: candidates.map((candidate) => ({ plate: candidate, plateFolded: foldPlateLookAlikes(candidate) })),
  };
}

describe('HotlistIndex', () => {
  const index = new HotlistIndex([
    entry('stolen', 'BXT4821'),
    entry('amber', 'ABC123', { plateRegion: 'WA' }),
    entry('expired', 'EXP1', { expiresAt: '2026-11-27T12:00:00.000Z' }),
  ]);

  it('matches the read plate exactly', () => {
    expect(index.match(read('BXT4821'), NOW).map((match) => [match.entry.id, match.matchKind])).toEqual([['stolen', 'exact']]);
  });

  it('matches an alternative OCR candidate, naming the candidate', () => {
    expect(index.match(read('BXT4B21', ['BXT4821']), NOW).map((match) => [match.entry.id, match.matchKind, match.matchedPlate]))
      .toEqual([['stolen', 'candidate', 'BXT4821']]);
  });

  it('matches OCR look-alikes of every folded group (0/O/Q/D, 1/I/L, 2/Z, 5/S, 6/G, 8/B)', () => {
    expect(index.match(read('8XT48Z1'), NOW).map((match) => [match.entry.id, match.matchKind])).toEqual([['stolen', 'look_alike']]);
    expect(index.match(read('ABCIZ3'), NOW).map((match) => match.matchKind)).toEqual(['look_alike']);
  });

  it('reports one match per entry, the strongest', () => {
    expect(index.match(read('BXT4821', ['8XT4821', 'BXT4821']), NOW).map((match) => match.matchKind)).toEqual(['exact']);
  });

  it('does not match a different plate, nor one edit away (hotlists match folding only, not edits)', () => {
    expect(index.match(read('BXT4822'), NOW)).toEqual([]);
    expect(index.match(read('BXT482'), NOW)).toEqual([]);
  });

  it('stops matching an entry at its expiry instant', () => {
    expect(index.match(read('EXP1'), new Date('2026-11-27T11:59:59.999Z'))).toHaveLength(1);
    expect(index.match(read('EXP1'), new Date('2026-11-27T12:00:00.000Z'))).toEqual([]);
  });

  it('matches a region-bound entry only for reads of that region or of none', () => {
    expect(index.match(read('ABC123', [], 'WA'), NOW)).toHaveLength(1);
    expect(index.match(read('ABC123'), NOW)).toHaveLength(1);
    expect(index.match(read('ABC123', [], 'OR'), NOW)).toEqual([]);
  });
});

describe('mayMatch (the pre-filter before a read is parsed)', () => {
  const index = new HotlistIndex([entry('stolen', 'BXT4821')]);
  const serialised = (plate: string, candidates: string[] = []) => Buffer.from(JSON.stringify({ readId: 'r', agencyId: 'a', capturedAt: 'c', ...read(plate, candidates) }));

  it('lets through a read whose own or candidate folded plate is listed, look-alikes included', () => {
    expect(mayMatch(serialised('BXT4821'), index)).toBe(true);
    expect(mayMatch(serialised('8XT4821'), index)).toBe(true);
    expect(mayMatch(serialised('ZZZ999', ['AAA111', 'BXT4B21']), index)).toBe(true);
  });

  it('skips a read none of whose plates is listed, and a document that is not a read', () => {
    expect(mayMatch(serialised('ZZZ999', ['AAA111']), index)).toBe(false);
    expect(mayMatch(Buffer.from('{"plate":"BXT4821"}'), index)).toBe(false);
    expect(mayMatch(Buffer.from('not json "plateFolded":"'), index)).toBe(false);
  });
});
