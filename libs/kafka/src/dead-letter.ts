import { IHeaders, Message } from 'kafkajs';
import { DLQ_HEADERS, DeadLetterReason, DeadLetterSource } from '@platekeeper/contract';

/** The original bytes and key, untouched, with why and where they came from in headers. */
export function deadLetterMessage(
  original: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
  source: DeadLetterSource,
  reason: DeadLetterReason,
  stage: 'ingest' | 'indexer',
): Message {
  return {
    key: original.key,
    value: original.value,
    headers: {
      ...(original.headers ?? {}),
      [DLQ_HEADERS.reasonCode]: reason.code,
      [DLQ_HEADERS.reasonDetail]: JSON.stringify(reason),
      [DLQ_HEADERS.stage]: stage,
      [DLQ_HEADERS.sourceTopic]: source.topic,
      [DLQ_HEADERS.sourcePartition]: String(source.partition),
      [DLQ_HEADERS.sourceOffset]: source.offset,
    },
  };
}
