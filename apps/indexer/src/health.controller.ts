import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IndexerConsumer } from './indexer-consumer.service';

@Controller('health')
export class HealthController {
  constructor(private readonly indexerConsumer: IndexerConsumer) {}

  @Get()
  async health(@Res() reply: FastifyReply) {
    const elasticsearch = await this.indexerConsumer.elastic.cluster
      .health({ timeout: '2s' })
      .then((cluster) => cluster.status, () => 'down');
    const kafka = this.indexerConsumer.health.report();
    const healthy = elasticsearch !== 'down' && elasticsearch !== 'red' && this.indexerConsumer.health.healthy;
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      status: healthy ? 'ok' : 'unavailable',
      engines: { kafka, elasticsearch },
    });
  }
}
