import { randomUUID } from 'node:crypto';
import { EnrichedRead, foldPlateLookAlikes } from '@platekeeper/contract';
import { READ_DOCUMENT_MAPPING, createElasticClient, readsIndexLayout, readsIndexName, readsIndexTemplate } from '@platekeeper/elastic';
import { PARTIAL_MAX_PLATES } from '../apps/search/src/searches/partial-plate';
import { PlatekeeperTestStack } from './support/platekeeper-stack';

jest.setTimeout(180_000);

/**
 * Partial plates are found by index-time plate grams and a list of the matching plates (docs/performance.md); these
 * check that this answers exactly what the wildcard did: for reads stored before grams existed, for plates that hold
 * a pattern's grams without matching it, and when there are too many plates to list.
 */
describe('partial plate searches with plate grams', () => {
  const stack = new PlatekeeperTestStack();
  const agency = stack.id('wa-partial-pd');
  const tag = stack.runId.slice(-4).toUpperCase().replace(/[^A-Z]/g, 'Q');
  let token: string;

  const read = (plate: string): EnrichedRead => ({
    readId: randomUUID(), cameraId: `${agency}-cam-1`, agencyId: agency, agencyState: 'WA',
    capturedAt: new Date(Date.now() - 3_600_000).toISOString(), plate, plateFolded: foldPlateLookAlikes(plate), plateRaw: plate,
    location: { lat: 47.30, lon: -122.22 }, ingestedAt: new Date().toISOString(),
  });

  const searchFor = async (plate: string, extra: Record<string, unknown> = {}) => {
    const response = await stack.request('POST', '/v1/searches', {
      token, body: { purpose: 'criminal_investigation', caseNumber: 'PART-1', reason: 'partial plate coverage', plate, plateMatch: 'partial', limit: 200, ...extra },
    });
    expect(response.status).toBe(200);
    return response.body as { total: number; items: Array<{ plate: string }>; nextCursor: string | null };
  };
  const platesOf = (body: { items: Array<{ plate: string }> }) => body.items.map((item) => item.plate).sort();

  beforeAll(async () => {
    await stack.start();
    await stack.registerAgency({ id: agency, state: 'WA', cameras: [] });
    token = await stack.token(agency);
    // This month's index as it was created before plate grams existed (strict, no plateGrams), holding reads without them.
    const elastic = createElasticClient(stack.config);
    try {
      const index = readsIndexName(stack.config.READS_INDEX_PREFIX, new Date().toISOString());
      const template = readsIndexTemplate(stack.config.READS_INDEX_PREFIX, readsIndexLayout(stack.config));
      await elastic.indices.create({ index, settings: template.template.settings, mappings: { dynamic: 'strict', properties: READ_DOCUMENT_MAPPING } as never });
      const legacy = [read(`${tag}1OLD1`), read(`${tag}9ABCD`), read(`X${tag}1OLD`)];
      await elastic.bulk({ refresh: true, operations: legacy.flatMap((document) => [{ index: { _index: index, _id: document.readId } }, document]) });
    } finally {
      await elastic.close();
    }
    // The template puts the new field on the old index; these reads are stored with grams, as the indexer stores them.
    await stack.indexReads([read(`${tag}1NEW1`), read(`${tag}9ABCD7`), read(`${tag}9ABC7BCD`), read(`Y${tag}1NEW`), read(`${tag}9ABCD`)]);
  });

  afterAll(() => stack.stop());

  it('finds reads stored before plate grams existed beside reads stored with them, as the wildcard did', async () => {
    expect(platesOf(await searchFor(`${tag}1`))).toEqual([`${tag}1NEW1`, `${tag}1OLD1`, `X${tag}1OLD`, `Y${tag}1NEW`].sort());
    expect(platesOf(await searchFor(`${tag}1*`))).toEqual([`${tag}1NEW1`, `${tag}1OLD1`].sort());
    expect(platesOf(await searchFor(`*${tag}1???`))).toEqual([`X${tag}1OLD`, `Y${tag}1NEW`].sort());
    expect(platesOf(await searchFor(`*1OLD`))).toEqual([`X${tag}1OLD`]);
  });

  it('never returns a plate that holds every gram of the pattern without matching it', async () => {
    // `…9ABC7BCD` holds 9AB, ABC and BCD, the grams of `9ABCD`, but not `9ABCD` itself.
    const found = await searchFor(`${tag}9ABCD`);
    expect(platesOf(found)).toEqual([`${tag}9ABCD`, `${tag}9ABCD`, `${tag}9ABCD7`].sort());
    expect(found.total).toBe(3);
    expect(platesOf(await searchFor(`${tag}9ABC?BCD`))).toEqual([`${tag}9ABC7BCD`]);
  });

  it('matches patterns without a 3-character run by the wildcard alone', async () => {
    expect(platesOf(await searchFor(`${tag[0]}?${tag[2]}?1N?W*`))).toEqual([`${tag}1NEW1`]);
  });

  it('keeps totals and pages exact when more plates hold the grams than the lookup lists', async () => {
    const many = Array.from({ length: PARTIAL_MAX_PLATES + 50 }, (_, index) => read(`${tag}M${String(index).padStart(5, '0')}`));
    await stack.indexReads(many);
    const first = await searchFor(`${tag}M*`);
    expect(first.total).toBe(many.length);
    const second = await searchFor(`${tag}M*`, { cursor: first.nextCursor });
    expect(second.total).toBe(many.length);
    expect(new Set([...platesOf(first), ...platesOf(second)]).size).toBe(400);
    expect((await searchFor(`*M0104?`)).total).toBe(10);
  });
});
