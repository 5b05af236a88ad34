import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CheckpointCheckDto } from '../audit-checkpoints/audit-checkpoint.dto';

export class BrokenAuditRecordDto {
  @ApiProperty() seq: string;
  @ApiProperty({ example: 'content does not match its hash' }) problem: string;
}

export class AuditVerificationDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ description: 'records checked, up to and including the first broken one' }) checked: number;
  @ApiProperty({ type: BrokenAuditRecordDto, nullable: true }) firstBroken: BrokenAuditRecordDto | null;
  @ApiPropertyOptional({ type: CheckpointCheckDto, description: 'when checkpoints are configured: the chain against the latest signed checkpoint, which catches removed newest records' })
  checkpoint?: CheckpointCheckDto;
}

export class AuditChainHeadDto {
  @ApiProperty() seq: string;
  @ApiProperty({ description: 'sha-256 of the last record verified; publish it and any later rewrite of the chain shows' }) hash: string;
}

export class AuditChainStatusDto extends AuditVerificationDto {
  @ApiProperty({ type: AuditChainHeadDto, nullable: true, description: 'the last record that verified' }) head: AuditChainHeadDto | null;
  @ApiProperty({ description: 'when this verification ran (it is reused for TRANSPARENCY_CHAIN_CHECK_SECONDS)' }) checkedAt: string;
}
