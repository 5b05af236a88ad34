import { ApiProperty } from '@nestjs/swagger';
import { CHECKPOINT_STATUSES, CheckpointStatus } from './audit-checkpoints.service';
import { SignedCheckpoint } from './signed-checkpoint';

export class SignedCheckpointDto implements SignedCheckpoint {
  @ApiProperty({ description: 'sequence number of the newest record when it was signed' }) seq: string;
  @ApiProperty({ description: 'that record\'s hash, which commits to every record before it' }) headHash: string;
  @ApiProperty() headRecordedAt: string;
  @ApiProperty() publishedAt: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'sha256 (hex) of the signing public key, SPKI DER' }) keyId: string;
  @ApiProperty({ description: 'base64 Ed25519 signature over the JSON of seq, headHash, headRecordedAt, publishedAt with keys sorted' })
  signature: string;
}

export class PublishedCheckpointDto {
  @ApiProperty({ type: SignedCheckpointDto, nullable: true }) checkpoint: SignedCheckpointDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'PEM of the Ed25519 public key that verifies checkpoints' }) publicKeyPem: string | null;
}

export class CheckpointCheckDto {
  @ApiProperty({ enum: CHECKPOINT_STATUSES, description: 'truncated, diverged and bad_signature make the whole verification invalid' })
  status: CheckpointStatus;
  @ApiProperty({ type: SignedCheckpointDto, nullable: true }) checkpoint: SignedCheckpointDto | null;
  @ApiProperty({ nullable: true, type: String }) chainHeadSeq: string | null;
  @ApiProperty({ nullable: true, type: String }) problem: string | null;
}
