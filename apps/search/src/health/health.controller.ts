import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { METRICS_CONTENT_TYPE, renderMetrics } from '@platekeeper/metrics';
import { Database } from '@platekeeper/persistence';
import { Public } from '../auth/auth.decorators';
import { ElasticAvailability } from '@platekeeper/elastic';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly database: Database, private readonly elastic: ElasticAvailability) {}

  @Get('metrics')
  @Public()
  @Header('content-type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return renderMetrics();
  }

  @Get('health')
  @Public()
  async health(@Res() reply: FastifyReply) {
    // Both bounded (about a second), so a dead engine makes /health answer 503 at once rather than late.
    const [postgres, { status: elasticsearch }] = await Promise.all([this.database.ping(), this.elastic.status()]);
    const healthy = postgres === 'up' && elasticsearch !== 'down' && elasticsearch !== 'red';
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      status: healthy ? 'ok' : 'unavailable',
      engines: { postgres, elasticsearch },
    });
  }
}
