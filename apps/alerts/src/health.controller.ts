import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Database } from '@platekeeper/persistence';
import { AlertsConsumer } from './alerts-consumer.service';

@Controller('health')
export class HealthController {
  constructor(private readonly alertsConsumer: AlertsConsumer, private readonly database: Database) {}

  @Get()
  async health(@Res() reply: FastifyReply) {
    const postgres = await this.database.ping();
    const kafka = this.alertsConsumer.health.report();
    const healthy = postgres === 'up' && this.alertsConsumer.health.healthy;
    reply.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: healthy ? 'ok' : 'unavailable', engines: { kafka, postgres } });
  }
}
