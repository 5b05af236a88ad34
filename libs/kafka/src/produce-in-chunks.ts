import { Message, Producer } from 'kafkajs';

/** Stays well under the broker's default 1 MiB record-batch limit whatever a fetched batch held. */
export const MAX_PRODUCE_CHUNK_BYTES = 512 * 1024;

function messageBytes(message: Message): number {
  const size = (part: Message['key'] | Message['value']) =>
    part === null || part === undefined ? 0 : Buffer.isBuffer(part) ? part.length : Buffer.byteLength(part);
  return size(message.key) + size(message.value) + 64;
}

export function chunkMessages(messages: Message[], maxBytes = MAX_PRODUCE_CHUNK_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const bytes = messageBytes(message);
    if (current.length > 0 && currentBytes + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Produces to several topics, every chunk acknowledged by all in-sync replicas before this resolves. */
export async function produceAll(producer: Producer, topicMessages: Array<{ topic: string; messages: Message[] }>): Promise<void> {
  const sends = topicMessages.flatMap(({ topic, messages }) =>
    chunkMessages(messages).map((chunk) => producer.send({ topic, messages: chunk, acks: -1 })),
  );
  await Promise.all(sends);
}
