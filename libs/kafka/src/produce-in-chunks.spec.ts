import { chunkMessages } from './produce-in-chunks';

describe('chunkMessages', () => {
  it('splits a large batch into chunks under the byte limit, keeping every message in order', () => {
    const messages = Array.from({ length: 1000 }, (_, index) => ({ key: `cam-${index}`, value: 'x'.repeat(1000) }));
    const chunks = chunkMessages(messages, 100_000);
    expect(chunks.length).toBeGreaterThan(9);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) {
      expect(chunk.reduce((bytes, message) => bytes + String(message.value).length, 0)).toBeLessThanOrEqual(100_000);
    }
  });

  it('keeps a single oversized message as its own chunk rather than dropping it', () => {
    const chunks = chunkMessages([{ key: null, value: 'y'.repeat(5000) }, { key: null, value: 'z' }], 1000);
    expect(chunks.map((chunk) => chunk.length)).toEqual([1, 1]);
  });
});
