import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSLATORS, UnsupportedPayload } from '.';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));

describe('vendor translators on the vendors\' documented example payloads', () => {
  it('OpenALPR alpr_group: best plate, other candidates, 0–100 confidences as 0–1, region, start time, best image uuid', () => {
    const [read, ...more] = TRANSLATORS.openalpr(fixture('openalpr-alpr-group.json'));
    expect(more).toEqual([]);
    expect(read).toMatchObject({
      vendorCameraId: '1414799424',
      capturedAt: { instant: '2015-11-24T00:50:08.789Z' },
      plate: 'A13709',
      plateRegion: 'MO',
      confidence: 0.92075,
      imageRef: 'dimitar-video-cam1414799424-1448326208789',
    });
    expect(read.candidates?.[0]).toEqual({ plate: 'A137O9', confidence: 0.83324 });
    expect(read.candidates?.map((candidate) => candidate.plate)).not.toContain('A13709');
    expect(read.candidates).toHaveLength(9);
  });

  it('OpenALPR heartbeat carries no read', () => {
    expect(TRANSLATORS.openalpr(fixture('openalpr-heartbeat.json'))).toEqual([]);
  });

  it('OpenALPR alpr_results: one read per plate in the frame', () => {
    const reads = TRANSLATORS.openalpr({
      data_type: 'alpr_results', epoch_time: 1448326208789, camera_id: 7, uuid: 'frame-1',
      results: [{ plate: 'ABC123', confidence: 88.5, region: 'us-wa' }, { plate: 'XYZ9', confidence: 70 }],
    });
    expect(reads.map((read) => [read.plate, read.confidence, read.plateRegion])).toEqual([['ABC123', 0.885, 'WA'], ['XYZ9', 0.7, undefined]]);
  });

  it('OpenALPR: an unknown data_type is refused naming the field', () => {
    expect(() => TRANSLATORS.openalpr({ data_type: 'alpr_other' })).toThrow('data_type: must be alpr_group, alpr_results or heartbeat');
  });

  it('Plate Recognizer Stream: plate upper-cased, score, candidates besides the plate, vehicle type/make/model/color, direction, region', () => {
    const [read] = TRANSLATORS.platerecognizer(fixture('platerecognizer-stream.json'));
    expect(read).toEqual({
      vendorCameraId: 'camera-1',
      capturedAt: { instant: '2021-09-29T05:56:13.606Z' },
      plate: '9JUB11',
      plateRegion: 'GB',
      confidence: 0.839,
      candidates: [{ plate: 'SJU88Y' }, { plate: 'SJUBI' }],
      vehicle: { type: 'Big Truck', make: 'Volkswagen', model: 'Golf', color: 'white' },
      direction: 210,
      imageRef: 'camera-1_screenshots/21-09-29/05-56-13.606935.jpg',
    });
  });

  it('Plate Recognizer Snapshot: candidate scores kept; a snapshot without camera_id is refused, not guessed', () => {
    const payload = fixture('platerecognizer-snapshot.json') as { data: { camera_id: string | null } };
    expect(() => TRANSLATORS.platerecognizer(payload)).toThrow('data.camera_id: must be a non-empty string');
    payload.data.camera_id = 'gate-1';
    const [read] = TRANSLATORS.platerecognizer(payload);
    expect(read).toMatchObject({ vendorCameraId: 'gate-1', plate: 'NHK552', confidence: 0.903, candidates: [{ plate: 'NHK5S2', confidence: 0.811 }] });
    expect(read.vehicle).toEqual({ type: 'Sedan' });
  });

  it('Frigate tracked_object_update (lpr): camera name, plate, score, seconds as an instant', () => {
    expect(TRANSLATORS.frigate(fixture('frigate-tracked-object-update-lpr.json'))).toEqual([
      { vendorCameraId: 'front_door_cam', capturedAt: { instant: '2020-12-04T23:19:18.748Z' }, plate: '123ABC', confidence: 0.95, imageRef: '1607123955.475377-mxklsc' },
    ]);
  });

  it('Frigate events: the after state\'s recognized plate; an event without a plate carries no read', () => {
    const payload = fixture('frigate-events.json') as { after: Record<string, unknown> };
    expect(TRANSLATORS.frigate(payload)).toEqual([
      {
        vendorCameraId: 'driveway', capturedAt: { instant: '2020-12-04T23:19:22.083Z' }, plate: 'ABC12345', confidence: 0.933451,
        vehicle: { type: 'car' }, imageRef: '1607123955.475377-mxklsc',
      },
    ]);
    payload.after.recognized_license_plate = null;
    expect(TRANSLATORS.frigate(payload)).toEqual([]);
  });

  it('Verkada lpr: detected in ms, state us-ca as CA, confidence, image url', () => {
    expect(TRANSLATORS.verkada(fixture('verkada-lpr.json'))).toEqual([
      {
        vendorCameraId: '38718198-8a78-4718-a60f-68e1a8de30ac', capturedAt: { instant: '2025-09-19T17:27:45.879Z' }, plate: 'ABCD123',
        plateRegion: 'CA', confidence: 0.9630414285714286, imageRef: 'IMAGE_URL',
      },
    ]);
    expect(() => TRANSLATORS.verkada({ webhook_type: 'notification' })).toThrow('webhook_type: must be "lpr"');
  });

  it('Blue Iris (ALPR-Database): ai_dump predictions, local alert time left for the camera\'s zone, image bytes dropped', () => {
    const reads = TRANSLATORS.blueiris(fixture('blueiris-alpr-database.json'));
    expect(reads).toEqual([
      { vendorCameraId: 'LPR1', capturedAt: { localTime: '2024-11-27T10:11:12.345' }, plate: 'ABC1234', confidence: 0.9051, imageRef: 'LPR1.20241127_101112345.jpg' },
    ]);
    expect(JSON.stringify(reads)).not.toContain('/9j/');
  });

  it('Platekeeper: one read or an array, cameraId becoming the vendor camera id', () => {
    const read = { cameraId: 'cam-1', capturedAt: '2026-01-01T00:00:00Z', plate: 'ABC123', confidence: 0.5 };
    expect(TRANSLATORS.platekeeper([read, { ...read, plate: 'XYZ' }]).map((each) => [each.vendorCameraId, each.plate])).toEqual([['cam-1', 'ABC123'], ['cam-1', 'XYZ']]);
    expect(() => TRANSLATORS.platekeeper([])).toThrow(UnsupportedPayload);
    expect(() => TRANSLATORS.platekeeper('nope')).toThrow('$: must be a JSON object');
  });
});
