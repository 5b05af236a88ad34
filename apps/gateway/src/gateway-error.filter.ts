import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { GatewayError, HTTP_STATUS_BY_GATEWAY_CODE } from './gateway-error';

/** Every error leaves as `{ statusCode, error, message: [..], code }`; 429 and 503 carry Retry-After; internals never leak. */
@Catch()
export class GatewayErrorFilter implements ExceptionFilter {
  constructor(@Inject(PLATEKEEPER_CONFIG) private readonly config: PlatekeeperConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.bodyOf(exception);
    if (body.statusCode === HttpStatus.TOO_MANY_REQUESTS || body.statusCode === HttpStatus.SERVICE_UNAVAILABLE) {
      const known = exception instanceof GatewayError ? exception.retryAfterSeconds : undefined;
      reply.header('retry-after', String(known ?? this.config.GATEWAY_RETRY_AFTER_SECONDS));
    }
    reply.status(body.statusCode).send(body);
  }

  private bodyOf(exception: unknown): { statusCode: number; error: string; message: string[]; code?: string } {
    if (exception instanceof GatewayError) {
      const statusCode = HTTP_STATUS_BY_GATEWAY_CODE[exception.code];
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: exception.problems, code: exception.code };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'object' && response !== null && 'message' in response ? (response as { message: unknown }).message : exception.message;
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: Array.isArray(message) ? message.map(String) : [String(message)] };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { statusCode: fastifyStatus, error: STATUS_CODES[fastifyStatus] ?? 'Error', message: [(exception as Error).message] };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: ['internal error'] };
  }
}
