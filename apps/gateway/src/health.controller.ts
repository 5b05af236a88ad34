import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Database } from '@platekeeper/persistence';
import { ReadProducer } from './read-producer.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly producer: ReadProducer, private readonly database: Database) {}

  @Get()
  @ApiOperation({ summary: 'Kafka producer and PostgreSQL (camera keys) state; 503 when either is down' })
  async health(@Res() reply: FastifyReply) {
    const postgres = await this.database.ping();
    const kafka = this.producer.healthy ? 'up' : 'down';
    const healthy = postgres === 'up' && kafka === 'up';
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: healthy ? 'ok' : 'unavailable', engines: { kafka, postgres } });
  }
}
