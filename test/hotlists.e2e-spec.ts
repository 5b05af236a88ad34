import { Consumer } from 'kafkajs';
import { Database, HotlistStore } from '@platekeeper/persistence';
import { HotlistPurge } from '../apps/alerts/src/hotlist-purge.service';
import { PlatekeeperTestStack, eventually } from './support/platekeeper-stack';

jest.setTimeout(300_000);

interface Alert {
  id: string;
  entryId: string;
  hotlistId: string;
  agencyId: string;
  ownerAgencyId: string;
  readId: string;
  matchKind: string;
  matchedPlate: string;
  read: { readId: string; plate: string; agencyId: string };
  disposition: string | null;
}

/** Server-sent events of one investigator's alert stream, collected as they arrive. */
class AlertStreamReader {
  readonly events: Array<{ event: string; data: any }> = [];
  private readonly abort = new AbortController();

  static async open(url: string, token: string): Promise<AlertStreamReader> {
    const reader = new AlertStreamReader();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: reader.abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    void reader.consume(response.body!);
    return reader;
  }

  private async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const field = (name: string) => block.split('\n').filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trim()).join('\n');
          if (field('data') !== '') this.events.push({ event: field('event'), data: JSON.parse(field('data')) });
        }
      }
    } catch {
      // aborted at close
    }
  }

  close(): void {
    this.abort.abort();
  }
}

/**
 * Hotlists end to end (docs/hotlists.md): Kafka → ingest → alerts service → PostgreSQL, audit chain, `alpr.alerts` and
 * the investigators' stream. Border Patrol's entries match Auburn's reads only as a national search by Border Patrol
 * with the entry's purpose could see them at that moment. Each negative is asserted only after a marker proves the read
 * was matched: Auburn's own entry on the same plate raises Auburn's alert in the same transaction Border Patrol's would be in.
 */
describe('hotlists and alerts, scoped like searches', () => {
  const stack = new PlatekeeperTestStack();
  const auburn = stack.id('wa-auburn-pd');
  const borderPatrol = stack.id('us-cbp-blaine');
  const kent = stack.id('wa-kent-pd');
  const auburnCamera = stack.id('cam-auburn');
  const suffix = stack.runId.slice(-6).toUpperCase();
  const plates = {
    stolen: `HT3${suffix}`,
    immigration: `HT4${suffix}`,
    lookAlike: `HT7B0S${suffix}`,
    lookAlikeRead: `HT78O5${suffix}`,
    candidate: `HT9${suffix}`,
    candidateRead: `HT6${suffix}`,
    expired: `HTE${suffix}`,
    toggle: `HTK${suffix}`,
  };
  const token: Record<string, string> = {};
  const lists: Record<string, string> = {};
  const streams: Record<string, AlertStreamReader> = {};
  const month = new Date().toISOString().slice(0, 7);
  let readCount = 0;

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const entryBody = (plate: string, purpose: string, extra: Record<string, unknown> = {}) => ({
    plate, purpose, caseNumber: `HL-${plate}`, reason: 'vehicle sought in an open investigation', expiresAt: inDays(5), ...extra,
  });
  const addEntry = async (agencyToken: string, hotlistId: string, body: Record<string, unknown>) => {
    const response = await stack.request('POST', `/v1/hotlists/${hotlistId}/entries`, { token: agencyToken, body });
    expect(response.status).toBe(201);
    return response.body.entry as { id: string; plate: string };
  };
  /** Produces one read on Auburn's camera and answers its readId. */
  const auburnRead = async (plate: string, extra: Record<string, unknown> = {}, copies = 1) => {
    const readId = `0b6d7e1a-0000-4000-8000-${(++readCount).toString().padStart(12, '0')}`;
    const read = { readId, cameraId: auburnCamera, capturedAt: new Date(Date.now() - 1000).toISOString(), plate, ...extra };
    await stack.produceRaw(Array.from({ length: copies }, () => read));
    return readId;
  };
  const alertsOf = async (agencyToken: string): Promise<Alert[]> => {
    const response = await stack.request('GET', '/v1/hotlist-alerts?limit=500', { token: agencyToken });
    expect(response.status).toBe(200);
    return response.body;
  };
  /** Waits until Auburn's own entry on the read's plate alerted Auburn: the read has been matched against every entry. */
  const matched = (readId: string) =>
    eventually(async () => ((await alertsOf(token.auburn)).some((alert) => alert.readId === readId) ? true : undefined), 90_000, `read ${readId} to be matched`);
  const borderPatrolAlertsOn = async (readId: string) => (await alertsOf(token.borderPatrol)).filter((alert) => alert.readId === readId);

  beforeAll(async () => {
    await stack.start({ alerts: true });
    await stack.clearJurisdictions(['WA']);
    await stack.registerAgency({ id: auburn, state: 'WA', sharing: { nationalLookup: true, deniedPurposes: ['immigration_enforcement'] }, cameras: [auburnCamera] });
    await stack.registerAgency({ id: borderPatrol, state: 'WA', category: 'federal_immigration', sharing: { nationalLookup: true }, cameras: [] });
    await stack.registerAgency({ id: kent, state: 'WA', sharing: { nationalLookup: true }, cameras: [] });
    token.auburn = await stack.token(auburn, ['investigator'], 'det.auburn');
    token.auburnAdmin = await stack.token(auburn, ['agency_admin'], 'admin.auburn');
    token.borderPatrol = await stack.token(borderPatrol, ['investigator'], 'agent.blaine');
    token.borderPatrolAdmin = await stack.token(borderPatrol, ['agency_admin'], 'chief.blaine');
    token.kent = await stack.token(kent, ['investigator'], 'det.kent');
    for (const [name, agencyToken] of [['borderPatrol', token.borderPatrol], ['auburn', token.auburn]] as const) {
      const created = await stack.request('POST', '/v1/hotlists', { token: agencyToken, body: { name: 'Stolen and wanted', description: 'daily list' } });
      expect(created.status).toBe(201);
      lists[name] = created.body.id;
    }
    // Auburn's own entries are the markers: Auburn always sees its own reads.
    for (const plate of [plates.stolen, plates.immigration, plates.lookAlike, plates.candidate, plates.expired, plates.toggle]) {
      await addEntry(token.auburn, lists.auburn, entryBody(plate, 'stolen_vehicle'));
    }
    await addEntry(token.borderPatrol, lists.borderPatrol, entryBody(plates.stolen, 'stolen_vehicle'));
    await addEntry(token.borderPatrol, lists.borderPatrol, entryBody(plates.immigration, 'immigration_enforcement'));
    await addEntry(token.borderPatrol, lists.borderPatrol, entryBody(plates.lookAlike, 'stolen_vehicle'));
    await addEntry(token.borderPatrol, lists.borderPatrol, entryBody(plates.candidate, 'wanted_person'));
    await addEntry(token.borderPatrol, lists.borderPatrol, entryBody(plates.toggle, 'stolen_vehicle'));
    streams.borderPatrol = await AlertStreamReader.open(`${stack.searchUrl}/v1/hotlist-alerts/stream`, token.borderPatrol);
    streams.kent = await AlertStreamReader.open(`${stack.searchUrl}/v1/hotlist-alerts/stream`, token.kent);
  });

  afterAll(async () => {
    for (const stream of Object.values(streams)) stream.close();
    await stack.stop();
  });

  it("alerts Border Patrol to Auburn's read of its entry's plate while Auburn shares nationally, exactly, once however often it is delivered", async () => {
    const readId = await auburnRead(plates.stolen, {}, 3);
    await matched(readId);
    const alerts = await borderPatrolAlertsOn(readId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ownerAgencyId: auburn, agencyId: borderPatrol, matchKind: 'exact', matchedPlate: plates.stolen });
    expect(alerts[0].read).toMatchObject({ readId, plate: plates.stolen, agencyId: auburn });
    // A search returns no internal fields, and neither does an alert.
    expect(Object.keys(alerts[0].read)).not.toContain('plateFolded');
  });

  it("raises no alert when Auburn denies the entry's purpose, and tells Border Patrol nothing", async () => {
    const readId = await auburnRead(plates.immigration);
    await matched(readId);
    expect(await borderPatrolAlertsOn(readId)).toEqual([]);
  });

  it("matches an OCR look-alike of the entry's plate, and one of the read's alternative candidates", async () => {
    const lookAlike = await auburnRead(plates.lookAlikeRead);
    const candidate = await auburnRead(plates.candidateRead, { candidates: [{ plate: plates.candidate, confidence: 0.4 }] });
    await matched(lookAlike);
    await matched(candidate);
    expect((await borderPatrolAlertsOn(lookAlike)).map((alert) => [alert.matchKind, alert.matchedPlate])).toEqual([['look_alike', plates.lookAlikeRead]]);
    expect((await borderPatrolAlertsOn(candidate)).map((alert) => [alert.matchKind, alert.matchedPlate])).toEqual([['candidate', plates.candidate]]);
  });

  it('stops matching an entry at its expiry instant', async () => {
    const expiresAt = new Date(Date.now() + 8_000).toISOString();
    await addEntry(token.borderPatrol, lists.borderPatrol, entryBody(plates.expired, 'stolen_vehicle', { expiresAt }));
    // Matched while live, so the alerts service holds the entry in its index when it expires.
    const whileLive = await auburnRead(plates.expired);
    await matched(whileLive);
    expect(Date.now()).toBeLessThan(Date.parse(expiresAt));
    expect(await borderPatrolAlertsOn(whileLive)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 200));
    const readId = await auburnRead(plates.expired);
    await matched(readId);
    expect(await borderPatrolAlertsOn(readId)).toEqual([]);
    const kept = await stack.request('GET', `/v1/hotlists/${lists.borderPatrol}/entries?includeEnded=true`, { token: token.borderPatrol });
    expect(kept.body.map((entry: { plate: string }) => entry.plate)).toContain(plates.expired);
    const live = await stack.request('GET', `/v1/hotlists/${lists.borderPatrol}/entries`, { token: token.borderPatrol });
    expect(live.body.map((entry: { plate: string }) => entry.plate)).not.toContain(plates.expired);
  });

  it("alerts Border Patrol to Auburn's reads until Auburn turns national lookup off, and never for the very next read", async () => {
    const before = await auburnRead(plates.toggle);
    await matched(before);
    expect(await borderPatrolAlertsOn(before)).toHaveLength(1);
    const toggled = await stack.request('PATCH', `/v1/agencies/${auburn}/sharing`, { token: token.auburnAdmin, body: { nationalLookup: false } });
    expect(toggled.status).toBe(200);
    const after = await auburnRead(plates.toggle);
    await matched(after);
    expect(await borderPatrolAlertsOn(after)).toEqual([]);
    const restored = await stack.request('PATCH', `/v1/agencies/${auburn}/sharing`, { token: token.auburnAdmin, body: { nationalLookup: true } });
    expect(restored.status).toBe(200);
  });

  it("lists every alert on Auburn's reads in Auburn's audit listing and usage report, as a search that returned one read", async () => {
    const onAuburnReads = (await alertsOf(token.borderPatrol)).filter((alert) => alert.ownerAgencyId === auburn);
    expect(onAuburnReads).toHaveLength(5);
    const listing = await stack.request('GET', '/v1/audit/searches?limit=500', { token: token.auburnAdmin });
    expect(listing.status).toBe(200);
    const alertRecords = listing.body.items.filter((item: any) => item.action === 'hotlist.alert' && item.agencyId === borderPatrol);
    expect(alertRecords.map((item: any) => item.searchId).sort()).toEqual(onAuburnReads.map((alert) => alert.id).sort());
    for (const record of alertRecords) {
      expect(record).toMatchObject({ relation: 'returned_our_data', readsReturnedFromThisAgency: 1, userId: 'agent.blaine', total: null, criteria: null });
    }
    const report = await stack.request('GET', `/v1/agencies/${auburn}/usage-report?month=${month}`, { token: token.auburnAdmin });
    expect(report.status).toBe(200);
    expect(report.body.alertsOnOurReads).toEqual([{ agencyId: borderPatrol, alerts: 5 }]);
    expect(report.body.searchers.find((row: any) => row.searcherAgencyId === borderPatrol))
      .toMatchObject({ searchesReturningOurReads: 5, readsReturned: 5, purposes: ['stolen_vehicle', 'wanted_person'] });
    const verified = await stack.request('GET', '/v1/audit/verify', { token: await stack.token(stack.id('platform'), ['platform_admin']) });
    expect(verified.body).toMatchObject({ valid: true });
  });

  it("streams Border Patrol's alerts to its investigators only, and writes them to alpr.alerts", async () => {
    const alertIds = (await alertsOf(token.borderPatrol)).map((alert) => alert.id).sort();
    await eventually(async () => (streams.borderPatrol.events.length >= alertIds.length ? true : undefined), 10_000, 'the streamed alerts');
    expect(streams.borderPatrol.events.map((event) => event.event)).toEqual(alertIds.map(() => 'alert'));
    expect(streams.borderPatrol.events.map((event) => event.data.alertId).sort()).toEqual(alertIds);
    const streamed = streams.borderPatrol.events[0].data;
    expect(streamed.entry).toMatchObject({ purpose: 'stolen_vehicle', plate: plates.stolen });
    expect(streamed).toMatchObject({ matchKind: 'exact', read: { plate: plates.stolen, agencyId: auburn } });
    expect(streams.kent.events).toEqual([]);
    expect(await alertsOf(token.kent)).toEqual([]);

    const consumer: Consumer = stack.kafka.consumer({ groupId: `${stack.runId}-alerts-reader` });
    const onTopic: any[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: stack.config.TOPIC_ALERTS, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void onTopic.push(JSON.parse(message.value!.toString())) });
    try {
      await eventually(async () => (onTopic.filter((alert) => alert.agencyId === borderPatrol).length >= alertIds.length ? true : undefined), 60_000, 'alpr.alerts');
    } finally {
      await consumer.disconnect();
    }
    const topicAlerts = onTopic.filter((alert) => alert.agencyId === borderPatrol);
    expect([...new Set(topicAlerts.map((alert) => alert.alertId))].sort()).toEqual(alertIds);
    expect(topicAlerts.every((alert) => alert.entry && alert.read && alert.matchKind)).toBe(true);
  });

  it("keeps another agency's hotlists and alerts out of reach: 404 like no list, 404 on its alerts", async () => {
    const otherList = await stack.request('GET', `/v1/hotlists/${lists.borderPatrol}`, { token: token.kent });
    expect(otherList.status).toBe(404);
    const noList = await stack.request('GET', '/v1/hotlists/00000000-0000-4000-8000-000000000000', { token: token.kent });
    expect(noList.status).toBe(404);
    expect(otherList.body.message).toEqual(noList.body.message);
    const [alert] = await alertsOf(token.borderPatrol);
    const dispose = await stack.request('PUT', `/v1/hotlist-alerts/${alert.id}/disposition`, { token: token.kent, body: { disposition: 'confirmed' } });
    expect(dispose.status).toBe(404);
    const adminOnly = await stack.request('GET', '/v1/hotlists', { token: token.auburnAdmin });
    expect(adminOnly.status).toBe(403);
    const unregistered = await stack.token(stack.id('nowhere-pd'), ['investigator', 'platform_admin'], 'ops.nowhere');
    const noAgency = await stack.request('POST', '/v1/hotlists', { token: unregistered, body: { name: 'orphan list' } });
    expect(noAgency.status).toBe(403);
  });

  it('counts dispositions per list, with the false-hit rate, in the agency\'s monthly report', async () => {
    const alerts = (await alertsOf(token.borderPatrol)).sort((left, right) => left.id.localeCompare(right.id));
    const dispositions = ['confirmed', 'misread', 'wrong_state'];
    for (const [position, disposition] of dispositions.entries()) {
      const response = await stack.request('PUT', `/v1/hotlist-alerts/${alerts[position].id}/disposition`, {
        token: token.borderPatrol, body: { disposition, note: 'checked by the unit' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ disposition, dispositionBy: 'agent.blaine' });
    }
    const bad = await stack.request('PUT', `/v1/hotlist-alerts/${alerts[0].id}/disposition`, { token: token.borderPatrol, body: { disposition: 'maybe' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join(' ')).toContain('disposition must be one of');
    const report = await stack.request('GET', `/v1/agencies/${borderPatrol}/usage-report?month=${month}`, { token: token.borderPatrolAdmin });
    expect(report.status).toBe(200);
    expect(report.body.hotlists).toEqual([{
      hotlistId: lists.borderPatrol, hotlistName: 'Stolen and wanted', alerts: alerts.length, dispositioned: 3,
      byDisposition: { confirmed: 1, misread: 1, wrong_state: 1, not_actionable: 0 }, falseHitRate: 2 / 3,
    }]);
  });

  it("shows hotlist use on both agencies' public transparency pages, counted from the alerts raised", async () => {
    const borderPatrolAlerts = await alertsOf(token.borderPatrol);
    const auburnAlerts = await alertsOf(token.auburn);
    const liveEntries = async (agencyToken: string) => {
      const response = await stack.request('GET', '/v1/hotlists', { token: agencyToken });
      expect(response.status).toBe(200);
      return (response.body as Array<{ liveEntries: number }>).reduce((sum, list) => sum + list.liveEntries, 0);
    };
    const publicPage = async (agencyId: string) => {
      const response = await stack.request('GET', `/v1/public/agencies/${agencyId}/transparency`);
      expect(response.status).toBe(200);
      return response.body.hotlists;
    };
    expect(borderPatrolAlerts.length).toBeGreaterThan(0);
    expect(await publicPage(borderPatrol)).toEqual({
      liveEntries: await liveEntries(token.borderPatrol), alerts: borderPatrolAlerts.length, dispositioned: 3, falseHits: 2,
      alertsForOtherAgenciesOnOurReads: 0,
    });
    // Every Border Patrol alert was on one of Auburn's reads: Auburn's residents see how many, never the plates or cases.
    const auburnPage = await publicPage(auburn);
    expect(auburnPage).toEqual({
      liveEntries: await liveEntries(token.auburn), alerts: auburnAlerts.length, dispositioned: 0, falseHits: 0,
      alertsForOtherAgenciesOnOurReads: borderPatrolAlerts.length,
    });
    expect(JSON.stringify(auburnPage)).not.toContain(plates.stolen);
  });

  it('imports a CSV hotlist, storing the good lines and refusing each bad one with its reasons', async () => {
    const csv = [
      'LIC,LIS,purpose,OCA,reason,expiresAt,VMA,VCO',
      `CSV1${suffix},WA,stolen_vehicle,C-1,stolen from a driveway overnight,${inDays(30)},Honda,blue`,
      `,WA,stolen_vehicle,C-2,stolen from a driveway overnight,${inDays(30)},,`,
      `CSV3${suffix},WA,shopping,C-3,short,${inDays(30)},,`,
      `CSV4${suffix},WA,amber_alert,C-4,child taken from the school gate,${inDays(30)},,`,
      `CSV5${suffix},WA,stolen_vehicle,C-5,stolen from a driveway overnight,yesterday,,`,
      `CSV1${suffix},WA,stolen_vehicle,C-6,stolen from a driveway overnight,${inDays(30)},,`,
      `CSV7${suffix},WA,stolen_vehicle`,
    ].join('\n');
    const response = await stack.request('POST', `/v1/hotlists/${lists.borderPatrol}/imports`, { token: token.borderPatrol, body: { csv, source: 'ncic' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, refused: 6 });
    const byLine = new Map(response.body.lines.map((line: any) => [line.line, line]));
    expect(byLine.get(2)).toMatchObject({ status: 'accepted' });
    expect(byLine.get(3)).toMatchObject({ status: 'refused', problems: expect.arrayContaining(['plate must be a string']) });
    expect((byLine.get(4) as any).problems).toEqual([expect.stringContaining('purpose must be one of'), expect.stringContaining('reason')]);
    expect((byLine.get(5) as any).problems).toEqual([expect.stringContaining('within 7 days for purpose amber_alert')]);
    expect((byLine.get(6) as any).problems).toEqual([expect.stringContaining('expiresAt')]);
    expect((byLine.get(7) as any).problems).toEqual(['repeats the plate of line 2']);
    expect((byLine.get(8) as any).problems).toEqual([expect.stringContaining('fields where the header has')]);
    const entries = await stack.request('GET', `/v1/hotlists/${lists.borderPatrol}/entries`, { token: token.borderPatrol });
    const imported = entries.body.find((entry: any) => entry.plate === `CSV1${suffix}`);
    expect(imported).toMatchObject({ source: 'ncic', plateRegion: 'WA', caseNumber: 'C-1', vehicle: { make: 'Honda', color: 'blue' }, addedBy: 'agent.blaine' });

    const noHeader = await stack.request('POST', `/v1/hotlists/${lists.borderPatrol}/imports`, { token: token.borderPatrol, body: { csv: 'plate,reason\nABC,xyz' } });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.message[0]).toContain('lacks the column(s) purpose, caseNumber, expiresAt');
  });

  it('refuses entries without a valid expiry, beyond the purpose maximum, or with unknown fields, naming each problem', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...entryBody('NOEXP1', 'stolen_vehicle'), expiresAt: undefined }, 'expiresAt'],
      [entryBody('LONG1', 'amber_alert', { expiresAt: inDays(30) }), 'within 7 days'],
      [entryBody('PAST1', 'stolen_vehicle', { expiresAt: inDays(-1) }), 'in the future'],
      [entryBody('UNK1', 'stolen_vehicle', { colour: 'red' }), 'property colour should not exist'],
      [entryBody('HIST1', 'traffic_enforcement', { searchHistory: true }), 'searchHistory is allowed only'],
    ];
    for (const [body, problem] of cases) {
      const response = await stack.request('POST', `/v1/hotlists/${lists.borderPatrol}/entries`, { token: token.borderPatrol, body });
      expect(response.status).toBe(400);
      expect(response.body.message.join(' ')).toContain(problem);
    }
  });

  it('purges entries that ended longer ago than the record retention, with their alerts, and keeps the rest', async () => {
    const list = await stack.request('POST', '/v1/hotlists', { token: token.kent, body: { name: 'purge check' } });
    const [live, endedLongAgo, endedRecently] = await Promise.all(['PRG1', 'PRG2', 'PRG3'].map((plate) =>
      addEntry(token.kent, list.body.id, entryBody(`${plate}${suffix}`, 'stolen_vehicle'))));
    const days = stack.config.HOTLIST_RECORD_RETENTION_DAYS;
    await stack.dataSource.query(`UPDATE hotlist_entries SET removed_at = now() - make_interval(days => $2) WHERE id = $1`, [endedLongAgo.id, days + 1]);
    await stack.dataSource.query(`UPDATE hotlist_entries SET expires_at = now() - make_interval(days => $2) WHERE id = $1`, [endedRecently.id, days - 1]);
    const purge = new HotlistPurge(stack.config, new Database(stack.dataSource), new HotlistStore(stack.dataSource));
    expect(await purge.purgeOnce()).toBeGreaterThanOrEqual(1);
    const kept = await stack.request('GET', `/v1/hotlists/${list.body.id}/entries?includeEnded=true`, { token: token.kent });
    expect(kept.body.map((entry: { id: string }) => entry.id).sort()).toEqual([live.id, endedRecently.id].sort());
  });

  it('runs a new entry once against stored reads as an audited national search, within the same visibility', async () => {
    await stack.request('PATCH', `/v1/agencies/${auburn}/sharing`, { token: token.auburnAdmin, body: { nationalLookup: true } });
    const searchable = await eventually(async () => {
      const response = await stack.request('POST', '/v1/searches', {
        token: token.auburn, body: { purpose: 'other', caseNumber: 'SETUP', reason: 'waiting for indexing', plate: plates.toggle },
      });
      return response.body.total >= 2 ? response.body : undefined;
    }, 90_000, "Auburn's reads to be searchable");
    expect(searchable.total).toBe(2);
    const response = await stack.request('POST', `/v1/hotlists/${lists.borderPatrol}/entries`, {
      token: token.borderPatrol, body: entryBody(plates.toggle, 'wanted_person', { searchHistory: true }),
    });
    expect(response.status).toBe(201);
    expect(response.body.historicalHits.total).toBe(2);
    expect(response.body.historicalHits.items.every((read: any) => read.agencyId === auburn)).toBe(true);
    const listing = await stack.request('GET', '/v1/audit/searches?limit=500', { token: token.borderPatrolAdmin });
    const searches = listing.body.items.filter((item: any) => item.action === 'search.reads');
    expect(searches.map((item: any) => item.searchId)).toContain(response.body.historicalHits.searchId);
  });
});
