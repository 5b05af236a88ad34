import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError, HTTP_STATUS_BY_CODE } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string[];
  code?: string;
}

/** Every error leaves as `{ statusCode, error, message: [..] }` (CONTRACT §4); internals never leak. */
@Catch()
export class ErrorShapeFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorShapeFilter.name);

  /** With a value, every 503 tells the client when to try again (overload, an engine or the audit trail unavailable). */
  protected retryAfterSeconds?: number;

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && this.retryAfterSeconds !== undefined) reply.header('Retry-After', String(this.retryAfterSeconds));
    reply.status(body.statusCode).send(body);
  }

  protected toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = HTTP_STATUS_BY_CODE[exception.code];
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: [exception.message], code: exception.code };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const rawMessage = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(rawMessage) ? rawMessage.map(String) : [String(rawMessage ?? exception.message)];
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, error: STATUS_CODES[fastifyStatus] ?? 'Error', message: [(exception as Error).message] };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: ['internal error'] };
  }
}
