import { ReturnedFields, SEARCHED_READ_FIELDS, SEARCH_RETURNS, checkRawRead, enrichRead, projectDocument, sourcePaths, toSearchedRead } from '@platekeeper/contract';
import { loadConfig } from '@platekeeper/config';
import { READ_DOCUMENT_MAPPING, readsIndexLayout, readsIndexTemplate } from './reads-index';
import { toReadDocument } from './plate-grams';

/** A read using every optional field, enriched as ingest does: the whole document the indexer stores. */
function fullyPopulatedDocument() {
  const check = checkRawRead({
    cameraId: 'cam-auburn-1',
    capturedAt: '2026-05-01T12:00:00Z',
    plate: 'abc-123',
    plateRegion: 'wa',
    confidence: 0.93,
    vehicle: { make: 'Toyota', model: 'Corolla', color: 'Blue', type: 'sedan' },
    location: { lat: 47.3, lon: -122.2 },
    imageRef: 'images/cam-auburn-1/1.jpg',
    candidates: [{ plate: 'ABC123', confidence: 0.93 }, { plate: 'A8C123', confidence: 0.41 }],
    direction: 270,
  });
  if (!check.ok) throw new Error(JSON.stringify(check.violations));
  const camera = { cameraId: 'cam-auburn-1', ownerAgencyId: 'wa-auburn-pd', ownerState: 'WA', lat: 47.3, lon: -122.2 };
  return enrichRead(check.read, camera, new Date('2026-05-01T12:00:01Z'));
}

describe('the read document', () => {
  it('is mapped field for field by the strict index template: nothing ingest writes is left for Elasticsearch to reject', () => {
    const document = toReadDocument(fullyPopulatedDocument());
    const properties = readsIndexTemplate('alpr-reads', readsIndexLayout(loadConfig({}))).template.mappings.properties;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(document).sort());
    expect(Object.keys(properties.vehicle.properties).sort()).toEqual(Object.keys(document.vehicle!).sort());
    expect(readsIndexTemplate('alpr-reads', readsIndexLayout(loadConfig({}))).template.mappings.dynamic).toBe('strict');
  });

  it('decides for every stored field whether searches return it', () => {
    expect(Object.keys(SEARCH_RETURNS).sort()).toEqual(Object.keys(READ_DOCUMENT_MAPPING).sort());
    expect(SEARCHED_READ_FIELDS).toEqual([
      'readId', 'cameraId', 'agencyId', 'capturedAt', 'plate', 'plateRegion', 'confidence', 'vehicle', 'location', 'candidates.plate', 'candidates.confidence', 'direction',
    ]);
  });

  it('answers a search with the returned fields only, never the raw plate, image, ingest time or derived grams', () => {
    const document = toReadDocument(fullyPopulatedDocument());
    const searched = toSearchedRead(document);
    expect(Object.keys(searched)).toEqual(['readId', 'cameraId', 'agencyId', 'capturedAt', 'plate', 'plateRegion', 'confidence', 'vehicle', 'location', 'candidates', 'direction']);
    expect(searched).toEqual({
      readId: document.readId, cameraId: 'cam-auburn-1', agencyId: 'wa-auburn-pd', capturedAt: '2026-05-01T12:00:00.000Z', plate: 'ABC123',
      plateRegion: 'WA', confidence: 0.93, vehicle: { make: 'Toyota', model: 'Corolla', color: 'Blue', type: 'sedan' }, location: { lat: 47.3, lon: -122.2 },
      candidates: [{ plate: 'ABC123', confidence: 0.93 }, { plate: 'A8C123', confidence: 0.41 }], direction: 270,
    });
    expect(document.candidates!.every((candidate) => typeof candidate.plateFolded === 'string')).toBe(true);
  });

  it('can return only some sub-fields of an object or of each element of a list, in the _source paths and the answer alike', () => {
    interface Stored { id: string; secret: string; candidates?: Array<{ plate: string; folded: string; score: number }>; camera: { id: string; key: string } }
    const returns = { id: true, secret: false, candidates: ['plate', 'score'], camera: ['id'] } as const satisfies ReturnedFields<Stored>;
    expect(sourcePaths<Stored>(returns)).toEqual(['id', 'candidates.plate', 'candidates.score', 'camera.id']);
    const stored: Stored = { id: 'r1', secret: 's', candidates: [{ plate: 'ABC123', folded: 'A8C123', score: 0.9 }], camera: { id: 'c1', key: 'k' } };
    expect(projectDocument(stored, returns)).toEqual({ id: 'r1', candidates: [{ plate: 'ABC123', score: 0.9 }], camera: { id: 'c1' } });
    expect(projectDocument({ ...stored, candidates: undefined }, returns)).toEqual({ id: 'r1', candidates: undefined, camera: { id: 'c1' } });
  });
});
