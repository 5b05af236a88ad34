import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AcceptCameraPostUseCase } from './accept-camera-post.usecase';

export class AcceptedPostDto {
  @ApiProperty({ description: 'reads produced to the raw topic and acknowledged by Kafka (0 for a heartbeat or an event without a plate)' })
  accepted: number;

  @ApiProperty({ type: [String], description: 'the Platekeeper cameras the reads were attributed to' })
  cameraIds: string[];
}

@ApiTags('camera reads')
@ApiSecurity('cameraKey')
@Controller('v1/reads')
export class ReadsController {
  constructor(private readonly acceptCameraPost: AcceptCameraPostUseCase) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Post camera reads in the format the key was issued for (docs/gateway.md)',
    description:
      'Formats: platekeeper (raw read JSON, an array, or NDJSON), openalpr (alpr_group, alpr_results, heartbeat), platerecognizer ' +
      '(Stream/Snapshot webhook JSON, or multipart with a `json` field), frigate (tracked_object_update lpr, events, HTTP API events), ' +
      'verkada (lpr webhook), blueiris (ALPR-Database alert). Answers 200 only after Kafka acknowledged every read of the request. ' +
      '400 names the problem (the payload is dead-lettered with the reason), 401 for a missing, unknown, rotated or revoked key, ' +
      '403 for a mapped camera the key\'s agency no longer owns, 429/503 with Retry-After when Kafka is slow or down.',
  })
  @ApiConsumes('application/json', 'application/x-ndjson', 'multipart/form-data')
  @ApiBody({ schema: { description: 'the vendor payload', oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] } })
  @ApiHeader({ name: 'X-Api-Key', required: false, description: 'the camera key (or Authorization: Bearer <key>)' })
  @ApiOkResponse({ type: AcceptedPostDto })
  @ApiResponse({ status: 400, description: 'malformed or unsupported payload, unknown vendor camera, read breaking the contract; dead-lettered' })
  @ApiResponse({ status: 401, description: 'no valid camera key' })
  @ApiResponse({ status: 403, description: 'the mapped camera is not registered to the key\'s agency; dead-lettered' })
  @ApiResponse({ status: 429, description: 'too many requests waiting for Kafka, or too many failed authentications from this client (Retry-After)' })
  @ApiResponse({ status: 503, description: 'Kafka did not acknowledge in time (Retry-After); nothing was accepted' })
  post(@Req() request: FastifyRequest, @Headers('authorization') authorization?: string, @Headers('x-api-key') apiKeyHeader?: string): Promise<AcceptedPostDto> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    return this.acceptCameraPost.execute({
      apiKey: bearer ?? apiKeyHeader,
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      contentType: request.headers['content-type'],
      clientAddress: request.ip,
    });
  }
}
