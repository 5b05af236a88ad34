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
  | 'READ.INDEX_REJECTED';

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
