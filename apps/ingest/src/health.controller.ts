import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Database } from '@platekeeper/persistence';
import { IngestConsumer } from './ingest-consumer.service';

@Controller('health')
export class HealthController {
  constructor(private readonly ingestConsumer: IngestConsumer, private readonly database: Database) {}

  @Get()
  async health(@Res() reply: FastifyReply) {
    const postgres = await this.database.ping();
    const kafka = this.ingestConsumer.health.report();
    const healthy = postgres === 'up' && this.ingestConsumer.health.healthy;
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({
      // `starting` until the consumer first joined its group: answered from the process's first second.
      status: healthy ? 'ok' : kafka.state === 'starting' ? 'starting' : 'unavailable',
      engines: { kafka, postgres },
    });
  }
}
