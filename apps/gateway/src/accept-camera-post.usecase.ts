import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { PLATEKEEPER_CONFIG, PlatekeeperConfig } from '@platekeeper/config';
import { GATEWAY_REFUSAL_HEADERS, RawRead } from '@platekeeper/contract';
import { gatewayMetrics } from '@platekeeper/metrics';
import { VerifiedCameraKey } from '@platekeeper/persistence';
import { CameraKeyLookups } from './camera-key-lookups';
import { toRawReads } from './camera-mapping';
import { GatewayError } from './gateway-error';
import { payloadOf } from './payload-body';
import { ReadProducer } from './read-producer.service';
import { TRANSLATORS, UnsupportedPayload } from './translators';

export interface CameraPost {
  apiKey: string | undefined;
  /** The client's address, for the failed-authentication budget. */
  clientAddress: string;
  body: Buffer;
  contentType: string | undefined;
}

export interface AcceptedPost {
  accepted: number;
  cameraIds: string[];
}

/**
 * One camera post: authenticate the key, translate its vendor format, map vendor cameras to registered ones, and
 * answer only after Kafka acknowledged the reads. An authenticated post that is refused is dead-lettered (original
 * bytes and reason); an unauthenticated one is not (anyone could fill the DLQ).
 */
@Injectable()
export class AcceptCameraPostUseCase {
  private readonly logger = new Logger(AcceptCameraPostUseCase.name);
  /** Failed authentications per client address in the current minute (null: no limit). */
  private readonly failedAuthentications: RateLimiterMemory | null;

  constructor(
    @Inject(PLATEKEEPER_CONFIG) config: PlatekeeperConfig,
    private readonly keys: CameraKeyLookups,
    private readonly producer: ReadProducer,
  ) {
    this.failedAuthentications = config.GATEWAY_FAILED_AUTH_PER_MINUTE > 0
      ? new RateLimiterMemory({ points: config.GATEWAY_FAILED_AUTH_PER_MINUTE, duration: 60 })
      : null;
  }

  async execute(post: CameraPost): Promise<AcceptedPost> {
    // A client guessing keys (or a camera left with a revoked one) stops costing key lookups once over its budget.
    const spent = await this.failedAuthentications?.get(post.clientAddress);
    if (spent && spent.remainingPoints <= 0) {
      gatewayMetrics.requests.inc({ format: 'unknown', outcome: 'refused', reason: 'GATEWAY.TOO_MANY_FAILED_AUTHENTICATIONS' });
      throw new GatewayError(
        'GATEWAY.TOO_MANY_FAILED_AUTHENTICATIONS',
        ['too many requests without a valid camera key from this client; retry after the Retry-After delay'],
        Math.max(1, Math.ceil(spent.msBeforeNext / 1000)),
      );
    }
    const key = post.apiKey ? await this.keys.verify(post.apiKey) : null;
    if (key === null) {
      await this.failedAuthentications?.penalty(post.clientAddress, 1);
      gatewayMetrics.requests.inc({ format: 'unknown', outcome: 'refused', reason: 'GATEWAY.UNAUTHENTICATED' });
      throw new GatewayError('GATEWAY.UNAUTHENTICATED', ['a valid camera API key is required (Authorization: Bearer <key> or X-Api-Key)']);
    }
    const stopTimer = gatewayMetrics.requestDuration.startTimer({ format: key.format });
    try {
      const reads = await this.translate(post, key);
      if (reads.length > 0) {
        // No headers on accepted reads: nothing downstream reads them, and two headers doubled kafkajs's encoding of a record.
        await this.producer.send(reads.map((read) => ({ key: read.cameraId, value: JSON.stringify(read) })));
      }
      gatewayMetrics.requests.inc({ format: key.format, outcome: 'accepted', reason: '' });
      gatewayMetrics.reads.inc({ format: key.format }, reads.length);
      return { accepted: reads.length, cameraIds: [...new Set(reads.map((read) => read.cameraId))] };
    } catch (error) {
      if (error instanceof GatewayError) gatewayMetrics.requests.inc({ format: key.format, outcome: 'refused', reason: error.code });
      throw error;
    } finally {
      stopTimer();
    }
  }

  /** Vendor payload → raw reads of the key's cameras; a refusal is dead-lettered before it is thrown. */
  private async translate(post: CameraPost, key: VerifiedCameraKey): Promise<RawRead[]> {
    try {
      return toRawReads(TRANSLATORS[key.format](payloadOf(post.body, post.contentType)), key);
    } catch (error) {
      const refusal = error instanceof UnsupportedPayload ? new GatewayError('GATEWAY.UNSUPPORTED_PAYLOAD', error.problems) : error;
      if (refusal instanceof GatewayError) await this.deadLetter(post.body, key, refusal);
      throw refusal;
    }
  }

  /** The refusal is the answer either way; a DLQ write that fails is logged, not turned into a 503. */
  private async deadLetter(body: Buffer, key: VerifiedCameraKey, refusal: GatewayError): Promise<void> {
    try {
      await this.producer.deadLetter(key.id, body, {
        [GATEWAY_REFUSAL_HEADERS.code]: refusal.code,
        [GATEWAY_REFUSAL_HEADERS.detail]: refusal.message,
        [GATEWAY_REFUSAL_HEADERS.format]: key.format,
        [GATEWAY_REFUSAL_HEADERS.keyId]: key.id,
      });
    } catch (error) {
      this.logger.warn(`refused payload of key ${key.id} not dead-lettered: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
