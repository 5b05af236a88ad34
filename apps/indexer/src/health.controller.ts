import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IndexerConsumer } from './indexer-consumer.service';

@Controller('health')
export class HealthController {
  constructor(private readonly indexerConsumer: IndexerConsumer) {}

  @Get()
  async health(@Res() reply: FastifyReply) {
    // The latest background probe: answers at once, and says `down` within a probe of Elasticsearch going away.
    const { status: elasticsearch } = await this.indexerConsumer.elasticAvailability.status();
    const kafka = this.indexerConsumer.health.report();
    const healthy = elasticsearch !== 'down' && elasticsearch !== 'red' && this.indexerConsumer.health.healthy;
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      // `starting` until the consumer first joined its group: answered from the process's first second.
      status: healthy ? 'ok' : kafka.state === 'starting' ? 'starting' : 'unavailable',
      engines: { kafka, elasticsearch },
    });
  }
}
