import { HttpStatus } from '@nestjs/common';

/** Errors below the controllers carry a code; `HTTP_STATUS_BY_CODE` is the one place they become HTTP. */
export type DomainErrorCode =
  | 'AUTH.AGENCY_NOT_ACTIVE'
  | 'AUTH.FORBIDDEN'
  | 'AGENCY.NOT_FOUND'
  | 'AGENCY.ALREADY_EXISTS'
  | 'CAMERA.NOT_ADMINISTERED'
  | 'SEARCH.INVALID_CURSOR'
  | 'SEARCH.NOT_RUNNABLE'
  | 'SEARCH.TIMED_OUT'
  | 'AUDIT.UNAVAILABLE'
  | 'AUDIT.INVALID_CURSOR'
  | 'AUDIT.INVALID_PERIOD'
  | 'ENGINE.UNAVAILABLE';

export const HTTP_STATUS_BY_CODE: Record<DomainErrorCode, HttpStatus> = {
  'AUTH.AGENCY_NOT_ACTIVE': HttpStatus.FORBIDDEN,
  'AUTH.FORBIDDEN': HttpStatus.FORBIDDEN,
  'AGENCY.NOT_FOUND': HttpStatus.NOT_FOUND,
  'AGENCY.ALREADY_EXISTS': HttpStatus.CONFLICT,
  'CAMERA.NOT_ADMINISTERED': HttpStatus.FORBIDDEN,
  'SEARCH.INVALID_CURSOR': HttpStatus.BAD_REQUEST,
  'SEARCH.NOT_RUNNABLE': HttpStatus.BAD_REQUEST,
  'SEARCH.TIMED_OUT': HttpStatus.SERVICE_UNAVAILABLE,
  'AUDIT.UNAVAILABLE': HttpStatus.SERVICE_UNAVAILABLE,
  'AUDIT.INVALID_CURSOR': HttpStatus.BAD_REQUEST,
  'AUDIT.INVALID_PERIOD': HttpStatus.BAD_REQUEST,
  'ENGINE.UNAVAILABLE': HttpStatus.SERVICE_UNAVAILABLE,
};

export class DomainError extends Error {
  constructor(readonly code: DomainErrorCode, message: string) {
    super(message);
  }
}
