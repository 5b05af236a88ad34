import { randomUUID } from 'node:crypto';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/**
 * Washington 2026's "no collection near sensitive sites", end to end through Kafka: a place registered by the
 * jurisdiction (and one by an agency) is a geofence inside which ingest keeps no read; it counts them per place and
 * camera, and the count is public. A camera registered inside one is refused or flagged, as the place says.
 */
describe('sensitive places: reads inside are never stored, and counted in public', () => {
  const stack = new PlatekeeperTestStack();
  let platformAdmin: string;
  let state: string;
  let auburn: string;
  let kent: string;
  let auburnAdmin: string;
  // Cameras stand at 47.3, -122.2 (registerAgency); the school's circle is around them, the clinic 2 km north.
  const school = { lat: 47.3, lon: -122.2, radiusM: 300 };
  const clinic = { lat: 47.318, lon: -122.2, radiusM: 150 };
  let schoolId: string;
  let clinicId: string;

  const searchFor = async (agencyId: string, plate: string) => {
    const response = await stack.request('POST', '/v1/searches', {
      token: await stack.token(agencyId),
      body: { purpose: 'stolen_vehicle', caseNumber: 'SP-1', reason: 'sensitive place example', plate, scope: 'local' },
    });
    expect(response.status).toBe(200);
    return response.body.items as Array<{ readId: string; plate: string }>;
  };
  const read = (cameraId: string, plate: string, location?: { lat: number; lon: number }) => ({
    readId: randomUUID(), cameraId, capturedAt: new Date(Date.now() - 60_000).toISOString(), plate, ...(location && { location }),
  });

  beforeAll(async () => {
    await stack.start();
    platformAdmin = await stack.token(stack.id('platform'), ['platform_admin']);
    state = await stack.unusedStateCode();
    auburn = stack.id('sp-auburn-pd');
    kent = stack.id('sp-kent-pd');
    await stack.registerAgency({ id: auburn, state, cameras: [`${auburn}-fixed`, `${auburn}-mobile`] });
    await stack.registerAgency({ id: kent, state, cameras: [`${kent}-fixed`] });
    auburnAdmin = await stack.token(auburn, ['agency_admin']);
  });

  afterAll(async () => {
    await stack.dataSource.query(`UPDATE sensitive_places SET removed_at = now() WHERE state = $1 OR agency_id = ANY($2)`, [state, [auburn, kent]]);
    await stack.stop();
  });

  it('registers a jurisdiction place (platform_admin only) and an agency place (its agency_admin), each recorded', async () => {
    const refused = await stack.request('POST', '/v1/sensitive-places', {
      token: auburnAdmin, body: { name: 'Lincoln Elementary', kind: 'school', state, ...school },
    });
    expect(refused.status).toBe(403);
    const registered = await stack.request('POST', '/v1/sensitive-places', {
      token: platformAdmin, body: { name: 'Lincoln Elementary', kind: 'school', state, ...school, cameraRule: 'refuse' },
    });
    expect(registered.status).toBe(201);
    schoolId = registered.body.id;
    const own = await stack.request('POST', '/v1/sensitive-places', {
      token: auburnAdmin, body: { name: 'North Clinic', kind: 'health_care', agencyId: auburn, ...clinic, cameraRule: 'flag' },
    });
    expect(own.status).toBe(201);
    clinicId = own.body.id;
    const both = await stack.request('POST', '/v1/sensitive-places', {
      token: platformAdmin, body: { name: 'x', kind: 'school', state, agencyId: auburn, ...school },
    });
    expect(both.status).toBe(400);
    const records: Array<{ action: string }> = await stack.dataSource.query(
      `SELECT action FROM audit_records WHERE kind = 'change' AND payload->'subject'->>'id' = ANY($1) ORDER BY seq`, [[schoolId, clinicId]],
    );
    expect(records.map((record) => record.action)).toEqual(['sensitive_place.register', 'sensitive_place.register']);
  });

  it('drops reads captured inside a place, whoever owns the camera, keeps the ones outside, and counts the drops per place and camera', async () => {
    const marker = read(`${auburn}-mobile`, 'SPOUT1', { lat: 47.35, lon: -122.2 });
    await stack.produceRaw([
      read(`${auburn}-fixed`, 'SPIN01'),
      read(`${kent}-fixed`, 'SPIN02'),
      read(`${auburn}-mobile`, 'SPIN03', { lat: clinic.lat, lon: clinic.lon }),
      // Kent's read at Auburn's clinic: an agency's place covers only its own cameras.
      read(`${kent}-fixed`, 'SPOUT2', { lat: clinic.lat, lon: clinic.lon + 0.0005 }),
      marker,
    ]);
    // The marker shares the mobile camera's partition key with the dropped mobile read, and comes after it.
    await eventually(async () => ((await searchFor(auburn, 'SPOUT1')).length === 1 ? true : undefined), 60_000, 'the marker read');
    await eventually(async () => ((await searchFor(kent, 'SPOUT2')).length === 1 ? true : undefined), 60_000, "Kent's read at the clinic");
    expect(await searchFor(auburn, 'SPIN01')).toEqual([]);
    expect(await searchFor(kent, 'SPIN02')).toEqual([]);
    expect(await searchFor(auburn, 'SPIN03')).toEqual([]);
    expect(await stack.countStoredReads('SPIN01') + await stack.countStoredReads('SPIN02') + await stack.countStoredReads('SPIN03')).toBe(0);

    const counts = await eventually(async () => {
      const response = await stack.request('GET', '/v1/sensitive-places/drops');
      const ours = (response.body.places as Array<{ placeId: string }>).filter((place) => [schoolId, clinicId].includes(place.placeId));
      return ours.length === 2 ? { status: response.status, ours } : undefined;
    }, 30_000, 'the drop counts');
    expect(counts.status).toBe(200);
    const byId = Object.fromEntries(counts.ours.map((place: any) => [place.placeId, place]));
    expect(byId[schoolId]).toMatchObject({ kind: 'school', state, dropped: 2 });
    expect(byId[schoolId].byCamera.sort((a: any, b: any) => (a.cameraId < b.cameraId ? -1 : 1))).toEqual(
      [{ cameraId: `${auburn}-fixed`, dropped: 1 }, { cameraId: `${kent}-fixed`, dropped: 1 }].sort((a, b) => (a.cameraId < b.cameraId ? -1 : 1)),
    );
    expect(byId[clinicId]).toMatchObject({ kind: 'health_care', agencyId: auburn, dropped: 1, byCamera: [{ cameraId: `${auburn}-mobile`, dropped: 1 }] });
    // Public: no name and no position of a place.
    expect(JSON.stringify(counts.ours)).not.toContain('Lincoln');
    expect(byId[schoolId].lat).toBeUndefined();
  });

  it('refuses a camera registered inside a refusing place, and flags one inside a flagging place', async () => {
    const inside = await stack.request('PUT', `/v1/cameras/${auburn}.gate`, {
      token: auburnAdmin, body: { agencyId: auburn, name: 'school gate', lat: school.lat + 0.001, lon: school.lon },
    });
    expect(inside.status).toBe(409);
    expect(inside.body.message.join(' ')).toContain('sensitive place');
    const flagged = await stack.request('PUT', `/v1/cameras/${auburn}.clinic`, {
      token: auburnAdmin, body: { agencyId: auburn, name: 'clinic lot', lat: clinic.lat, lon: clinic.lon },
    });
    expect(flagged.status).toBe(200);
    expect(flagged.body.sensitivePlaces).toEqual([expect.objectContaining({ id: clinicId, kind: 'health_care', cameraRule: 'flag' })]);
    const outside = await stack.request('PUT', `/v1/cameras/${auburn}.main-st`, {
      token: auburnAdmin, body: { agencyId: auburn, name: 'main street', lat: 47.36, lon: -122.2 },
    });
    expect(outside.status).toBe(200);
    expect(outside.body.sensitivePlaces).toBeUndefined();
  });

  it('keeps reads at a place again once it is removed', async () => {
    const removed = await stack.request('DELETE', `/v1/sensitive-places/${schoolId}`, { token: platformAdmin });
    expect(removed.status).toBe(200);
    expect(removed.body.removedAt).not.toBeNull();
    await stack.produceRaw([read(`${auburn}-fixed`, 'SPBACK1')]);
    await eventually(async () => ((await searchFor(auburn, 'SPBACK1')).length === 1 ? true : undefined), 60_000, 'the read after removal');
  });
});
