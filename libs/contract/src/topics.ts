/** Headers every dead-lettered message carries; the value is the original bytes, untouched. */
export const DLQ_HEADERS = {
  reasonCode: 'dlq.reason.code',
  reasonDetail: 'dlq.reason.detail',
  stage: 'dlq.stage',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
} as const;

export type DeadLetterReasonCode =
  | 'READ.INVALID_JSON'
  | 'READ.RULE_VIOLATION'
  | 'READ.UNKNOWN_CAMERA'
  | 'READ.TOO_OLD'
  | 'READ.INDEX_REJECTED'
  | 'READ.GATEWAY_REFUSED';

/**
 * The camera gateway may only write the raw topic (Kafka principal `camera`), so a payload it refuses travels there
 * with these headers and ingest dead-letters it with the gateway's reason, original bytes untouched. A camera writing
 * Kafka directly gains nothing by setting them: it only dead-letters its own message.
 */
export const GATEWAY_REFUSAL_HEADERS = {
  code: 'gateway.refused.code',
  detail: 'gateway.refused.detail',
  format: 'gateway.format',
  keyId: 'gateway.key.id',
} as const;

export interface FieldViolation {
  field: string;
  rule: string;
  message: string;
}

export interface DeadLetterReason {
  code: DeadLetterReasonCode;
  violations?: FieldViolation[];
  detail?: string;
}

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
}
