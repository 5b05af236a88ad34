import { AuthenticatedUser } from '../auth/authenticated-user';
import { SearchRequestDto } from '../searches/search-request.dto';
import { REFUSED_RECORD_LIMITS, UNIDENTIFIED_ACTOR, answeredSearchRecord, previewedSearchRecord, refusedSearchRecord } from './search-record';

const detective: AuthenticatedUser = { userId: 'det.ruiz@auburn', agencyId: 'wa-auburn-pd', roles: ['investigator'] };
const validSearch = {
  purpose: 'stolen_vehicle', caseNumber: 'A-1', reason: 'stolen vehicle report', scope: 'national', plate: 'ABC123', plateMatch: 'exact',
  vehicle: { make: 'Toyota', color: 'blue' }, from: '2026-11-01T00:00:00Z', area: { near: { lat: 47.3, lon: -122.2, radiusKm: 5 } },
  cameraIds: ['cam-1', 'cam-2'], limit: 10,
} as const;

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

const recordedSize = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('search records', () => {
  it('records an answered search with its criteria, per-owner figures and withheld owners as agency and reasons only', () => {
    const entry = answeredSearchRecord(detective, validSearch as unknown as SearchRequestDto, {
      searchId: 'search-1', total: 3, returnedByOwner: { 'wa-auburn-pd': 2 },
      withheldOwners: [{ agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_PURPOSE'], extra: 'not recorded' } as never],
      withheldByOwner: { 'wa-kent-pd': 4 },
    });
    expect(entry).toEqual({
      kind: 'search', action: 'search.reads', actorUserId: detective.userId, actorAgencyId: detective.agencyId,
      payload: {
        searchId: 'search-1', purpose: 'stolen_vehicle', caseNumber: 'A-1', reason: 'stolen vehicle report', scope: 'national',
        criteria: {
          plate: 'ABC123', plateMatch: 'exact', vehicle: { make: 'Toyota', color: 'blue' }, from: '2026-11-01T00:00:00Z',
          area: { near: { lat: 47.3, lon: -122.2, radiusKm: 5 } }, cameraIds: ['cam-1', 'cam-2'], limit: 10,
        },
        outcome: 'answered', total: 3, returnedByOwner: { 'wa-auburn-pd': 2 },
        withheldOwners: [{ agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_PURPOSE'] }], withheldByOwner: { 'wa-kent-pd': 4 },
      },
    });
  });

  it('records a preview as withholding no read from anyone', () => {
    const entry = previewedSearchRecord(detective, { ...validSearch, scope: undefined } as unknown as SearchRequestDto, {
      searchId: 'preview-1', withheldOwners: [{ agencyId: 'wa-kent-pd', reasons: ['SHARING.DENIED_AGENCY'] }],
    });
    expect(entry).toMatchObject({ action: 'search.preview', payload: { outcome: 'previewed', scope: 'local', total: 0, returnedByOwner: {}, withheldByOwner: {} } });
  });

  it('keeps every field of a valid body that was refused, unchanged', () => {
    const entry = refusedSearchRecord('search.reads', detective, validSearch, { code: 403, messages: ['this action needs the role investigator'] });
    expect(entry.payload).toEqual({
      searchId: null, purpose: 'stolen_vehicle', caseNumber: 'A-1', reason: 'stolen vehicle report', scope: 'national',
      criteria: {
        plate: 'ABC123', plateMatch: 'exact', vehicle: { make: 'Toyota', color: 'blue' }, from: '2026-11-01T00:00:00Z',
        area: { near: { lat: 47.3, lon: -122.2, radiusKm: 5 } }, cameraIds: ['cam-1', 'cam-2'], limit: 10,
      },
      outcome: 'refused', total: 0, returnedByOwner: {}, withheldOwners: [], withheldByOwner: {},
      refusal: 403, refusalMessages: ['this action needs the role investigator'],
    });
  });

  it('cuts a huge string to its limit with a marker naming the original length', () => {
    const entry = refusedSearchRecord('search.reads', undefined, { reason: 'x'.repeat(1_000_000), plate: 'P'.repeat(5_000) }, { code: 401, messages: [] });
    expect(entry.payload.reason).toBe(`${'x'.repeat(REFUSED_RECORD_LIMITS.reasonChars)}…[truncated, 1000000 characters]`);
    expect((entry.payload.criteria as { plate: string }).plate).toBe(`${'P'.repeat(REFUSED_RECORD_LIMITS.criterionChars)}…[truncated, 5000 characters]`);
    expect(entry).toMatchObject({ actorUserId: UNIDENTIFIED_ACTOR, actorAgencyId: UNIDENTIFIED_ACTOR });
  });

  it('names an object or list where a scalar belongs instead of keeping it, and drops fields a search does not have', () => {
    const entry = refusedSearchRecord('search.preview', undefined, {
      reason: deep(3_000), caseNumber: ['a', 'b'], vehicle: { make: deep(3_000), wheels: deep(3_000) }, [`k${'z'.repeat(10_000)}`]: deep(3_000),
    }, { code: 401, messages: [] });
    expect(entry.payload).toMatchObject({
      reason: '[an object]', caseNumber: '[a list of 2]', criteria: { vehicle: { make: '[an object]' } },
      unknownFields: [`k${'z'.repeat(REFUSED_RECORD_LIMITS.unknownFieldNameChars - 1)}…[truncated, 10001 characters]`],
    });
    expect(recordedSize(entry)).toBeLessThan(2_000);
  });

  it('shortens lists and message lists, saying how many were left out', () => {
    const cameraIds = Array.from({ length: 1_000 }, (_, index) => `cam-${index}`);
    const messages = Array.from({ length: 3_000 }, (_, index) => `property p${index} should not exist`);
    const entry = refusedSearchRecord('search.reads', detective, { cameraIds }, { code: 400, messages });
    expect((entry.payload.criteria as { cameraIds: string[] }).cameraIds).toEqual([...cameraIds.slice(0, REFUSED_RECORD_LIMITS.cameraIds), '…[900 more]']);
    expect(entry.payload.refusalMessages).toHaveLength(REFUSED_RECORD_LIMITS.refusalMessages + 1);
    expect((entry.payload.refusalMessages as string[]).at(-1)).toBe('…[2990 more]');
  });

  it('records a body that is not an object, or none, as no fields at all', () => {
    for (const body of [undefined, null, 'plate=ABC123', [1, 2, 3]]) {
      expect(refusedSearchRecord('search.reads', undefined, body, { code: 415, messages: [] }).payload).toMatchObject({
        purpose: null, caseNumber: null, reason: null, scope: 'local', criteria: {}, refusal: 415,
      });
    }
  });

  it('stays within a few tens of kilobytes for the worst body the limits allow', () => {
    const long = 'w'.repeat(10_000);
    const worst = {
      purpose: long, caseNumber: long, reason: long, scope: long, plate: long, plateMatch: long, plateRegion: long, from: long, to: long,
      limit: long, cursor: long, vehicle: { make: long, model: long, color: long, type: long }, area: { bbox: [long, long, long, long, long], near: { lat: long, lon: long, radiusKm: long } },
      cameraIds: Array.from({ length: 1_000 }, () => long), ...Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`${long}${index}`, long])),
    };
    const messages = Array.from({ length: 1_000 }, () => long);
    expect(recordedSize(refusedSearchRecord('search.reads', undefined, worst, { code: 400, messages }))).toBeLessThan(40_000);
  });
});
