import { HttpStatus } from '@nestjs/common';

/** Why the gateway refuses a request; `HTTP_STATUS_BY_GATEWAY_CODE` is the one place they become HTTP. */
export type GatewayErrorCode =
  | 'GATEWAY.UNAUTHENTICATED'
  | 'GATEWAY.TOO_MANY_FAILED_AUTHENTICATIONS'
  | 'GATEWAY.MALFORMED_PAYLOAD'
  | 'GATEWAY.UNSUPPORTED_PAYLOAD'
  | 'GATEWAY.UNKNOWN_CAMERA'
  | 'GATEWAY.CAMERA_NOT_OWNED'
  | 'GATEWAY.INVALID_READ'
  | 'GATEWAY.BUSY'
  | 'GATEWAY.KAFKA_UNAVAILABLE';

export const HTTP_STATUS_BY_GATEWAY_CODE: Record<GatewayErrorCode, HttpStatus> = {
  'GATEWAY.UNAUTHENTICATED': HttpStatus.UNAUTHORIZED,
  'GATEWAY.TOO_MANY_FAILED_AUTHENTICATIONS': HttpStatus.TOO_MANY_REQUESTS,
  'GATEWAY.MALFORMED_PAYLOAD': HttpStatus.BAD_REQUEST,
  'GATEWAY.UNSUPPORTED_PAYLOAD': HttpStatus.BAD_REQUEST,
  'GATEWAY.UNKNOWN_CAMERA': HttpStatus.BAD_REQUEST,
  'GATEWAY.CAMERA_NOT_OWNED': HttpStatus.FORBIDDEN,
  'GATEWAY.INVALID_READ': HttpStatus.BAD_REQUEST,
  'GATEWAY.BUSY': HttpStatus.TOO_MANY_REQUESTS,
  'GATEWAY.KAFKA_UNAVAILABLE': HttpStatus.SERVICE_UNAVAILABLE,
};

export class GatewayError extends Error {
  /** `retryAfterSeconds`: when the client may try again, where the refusal knows (else the configured delay). */
  constructor(readonly code: GatewayErrorCode, readonly problems: string[], readonly retryAfterSeconds?: number) {
    super(problems.join('; '));
  }
}
