import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Client } from '@elastic/elasticsearch';
import type { FastifyReply } from 'fastify';
import { METRICS_CONTENT_TYPE, renderMetrics } from '@platekeeper/metrics';
import { Database } from '@platekeeper/persistence';
import { Public } from '../auth/auth.decorators';
import { READS_ELASTIC_CLIENT } from '../elastic-client.provider';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly database: Database, @Inject(READS_ELASTIC_CLIENT) private readonly elastic: Client) {}

  @Get('metrics')
  @Public()
  @Header('content-type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return renderMetrics();
  }

  @Get('health')
  @Public()
  async health(@Res() reply: FastifyReply) {
    const [postgres, elasticsearch] = await Promise.all([
      this.database.ping(),
      this.elastic.cluster.health({ timeout: '2s' }).then((cluster) => cluster.status, () => 'down'),
    ]);
    const healthy = postgres === 'up' && elasticsearch !== 'down' && elasticsearch !== 'red';
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      status: healthy ? 'ok' : 'unavailable',
      engines: { postgres, elasticsearch },
    });
  }
}
