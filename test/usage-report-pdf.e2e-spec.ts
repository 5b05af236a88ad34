import { randomUUID } from 'node:crypto';
import { EnrichedRead } from '@platekeeper/contract';
import { pdfText } from './support/pdf-text';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The monthly review as a PDF: the JSON's figures, read back from the file, and nothing the JSON would not show. */
describe('the monthly review as a PDF', () => {
  const stack = new PlatekeeperTestStack();
  const owner = stack.id('review-pd');
  const partner = stack.id('partner-pd');
  const federal = stack.id('border-unit');
  const stranger = stack.id('stranger-pd');
  const elsewhere = stack.id('elsewhere-pd');
  const suffix = stack.runId.slice(-5).toUpperCase();
  const ourPlate = `RV${suffix}`;
  const theirPlate = `EL${suffix}`;
  const month = new Date().toISOString().slice(0, 7);
  const tokens: Record<string, string> = {};

  const read = (agencyId: string, plate: string, minutesAgo: number): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agencyId}-cam`, agencyId, agencyState: 'QQ',
    capturedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(), plate, plateFolded: plate, plateRaw: plate,
    location: { lat: 47.3, lon: -122.2 }, ingestedAt: new Date().toISOString(),
  });
  const search = async (token: string, plate: string, caseNumber: string, purpose = 'criminal_investigation') => {
    const response = await stack.request('POST', '/v1/searches', {
      token, body: { purpose, caseNumber, reason: 'vehicle seen near the incident', scope: 'national', plate },
    });
    expect(response.status).toBe(200);
    return response.body;
  };
  const report = (format: string, token = tokens.ownerAdmin, agencyId = owner) =>
    fetch(`${stack.searchUrl}/v1/agencies/${agencyId}/usage-report?month=${month}&format=${format}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    await stack.start();
    const state = await stack.unusedStateCode();
    await stack.registerAgency({ id: owner, state, cameras: [`${owner}-cam`], sharing: { nationalLookup: true, denyCategories: ['federal_immigration'] } });
    await stack.registerAgency({ id: partner, state, cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: federal, state: 'QQ', category: 'federal_immigration', cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: stranger, state, cameras: [], sharing: { nationalLookup: true } });
    await stack.registerAgency({ id: elsewhere, state, cameras: [`${elsewhere}-cam`], sharing: { nationalLookup: true } });
    tokens.ownerAdmin = await stack.token(owner, ['agency_admin'], 'chief@review');
    tokens.partner = await stack.token(partner, ['investigator'], 'det.ruiz@partner');
    tokens.federal = await stack.token(federal, ['investigator'], 'agent.cole@border');
    tokens.stranger = await stack.token(stranger, ['investigator'], 'det.ng@stranger');
    tokens.strangerAdmin = await stack.token(stranger, ['agency_admin'], 'chief@stranger');
    await stack.indexReads([read(owner, ourPlate, 5), read(owner, ourPlate, 6), read(owner, ourPlate, 7), read(elsewhere, theirPlate, 5)]);

    // The partner finds our three reads twice; the federal unit is withheld by our category rule; the stranger searches
    // only another agency's plate: the JSON leaves it out, and so must the PDF.
    expect((await search(tokens.partner, ourPlate, 'PDF-CASE-1')).total).toBe(3);
    expect((await search(tokens.partner, ourPlate, 'PDF-CASE-2', 'stolen_vehicle')).total).toBe(3);
    expect((await search(tokens.federal, ourPlate, 'PDF-FED-1')).total).toBe(0);
    expect((await search(tokens.stranger, theirPlate, 'PDF-STRANGER-1')).total).toBe(1);
  });

  afterAll(async () => {
    await stack.retireAgencies();
    await stack.stop();
  });

  it('answers application/pdf with the same figures as the JSON, read back from the file', async () => {
    const json = (await (await report('json')).json()) as { searchers: unknown[] };
    const searchers = json.searchers as Array<{ searcherAgencyId: string; searchesReturningOurReads: number; readsReturned: number; withheldAttempts: number; purposes: string[] }>;
    expect(searchers.map((row) => row.searcherAgencyId).sort()).toEqual([federal, partner].sort());

    const response = await report('pdf');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="usage-report-${owner}-${month}.pdf"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);

    expect(text).toContain(`Monthly review: ${owner}, ${month}`);
    for (const row of searchers) {
      // One table row: the agency, its searches returning our reads, its reads returned, its purposes, its withheld attempts.
      const purposes = row.purposes.map((purpose) => purpose.replace(/_/g, ' ')).join(', ') || '-';
      expect(text).toMatch(new RegExp(`${escape(row.searcherAgencyId)}\\s+${row.searchesReturningOurReads}\\s+${row.readsReturned}\\s+${escape(purposes)}\\s+${row.withheldAttempts}\\b`));
    }
    const total = (field: 'searchesReturningOurReads' | 'readsReturned' | 'withheldAttempts') => searchers.reduce((sum, row) => sum + row[field], 0);
    expect(text).toMatch(new RegExp(`Total\\s+${total('searchesReturningOurReads')}\\s+${total('readsReturned')}\\s+${total('withheldAttempts')}\\b`));
    expect(text).toContain(`ran ${total('searchesReturningOurReads')} searches that returned ${total('readsReturned')} of our reads; our rules withheld ${total('withheldAttempts')} attempt`);
    expect(total('searchesReturningOurReads')).toBe(2);
    expect(total('readsReturned')).toBe(6);
    expect(total('withheldAttempts')).toBe(1);
  });

  it("never shows another agency's search that the JSON leaves out, nor any search's case number, reason or total", async () => {
    const text = await pdfText(Buffer.from(await (await report('pdf')).arrayBuffer()));
    expect(text).not.toContain(stranger);
    expect(text).not.toContain(elsewhere);
    expect(text).not.toContain('PDF-');
    expect(text).not.toContain('vehicle seen near the incident');
    expect(text).not.toContain('det.');

    // The stranger's own review, of its own reads (it has none): an empty report, not ours.
    const strangers = await pdfText(Buffer.from(await (await report('pdf', tokens.strangerAdmin, stranger)).arrayBuffer()));
    expect(strangers).toContain('No other agency searched our reads this month');
    expect(strangers).not.toContain(owner);
  });

  it("refuses another agency's admin and a bad format as the JSON does", async () => {
    const other = await report('pdf', tokens.strangerAdmin);
    expect(other.status).toBe(403);
    expect((await other.text())).not.toContain('%PDF');
    const bad = await report('docx');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string[] }).message.join('\n')).toMatch(/format must be one of json, csv, pdf/);
  });
});
