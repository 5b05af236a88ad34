import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AgencyCategory, AgencyStatus, SearchPurpose, SharingPolicy } from '@platekeeper/sharing';

@Entity('agencies')
export class AgencyEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 }) id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'char', length: 2 }) state: string;
  @Column({ type: 'varchar', length: 40 }) category: AgencyCategory;
  @Column({ type: 'varchar', length: 20, default: 'active' }) status: AgencyStatus;
  @Column({ name: 'retention_days', type: 'int', default: 30 }) retentionDays: number;
  @Column({ type: 'jsonb' }) sharing: SharingPolicy;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('cameras')
export class CameraEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 }) id: string;
  @Column({ name: 'agency_id', type: 'varchar', length: 100 }) agencyId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'double precision' }) lat: number;
  @Column({ type: 'double precision' }) lon: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('jurisdictions')
export class JurisdictionEntity {
  @PrimaryColumn({ type: 'char', length: 2 }) state: string;
  @Column({ name: 'deny_out_of_state', type: 'boolean', default: false }) denyOutOfState: boolean;
  @Column({ name: 'deny_categories', type: 'text', array: true, default: () => "'{}'" }) denyCategories: AgencyCategory[];
  @Column({ name: 'denied_purposes', type: 'text', array: true, default: () => "'{}'" }) deniedPurposes: SearchPurpose[];
  @Column({ name: 'max_retention_days', type: 'int', nullable: true }) maxRetentionDays: number | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('audit_records')
export class AuditRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) seq: string;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
  @Column({ type: 'varchar', length: 20 }) kind: 'search' | 'change';
  @Column({ type: 'varchar', length: 60 }) action: string;
  @Column({ name: 'actor_user_id', type: 'varchar', length: 200 }) actorUserId: string;
  @Column({ name: 'actor_agency_id', type: 'varchar', length: 100 }) actorAgencyId: string;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Column({ name: 'prev_hash', type: 'char', length: 64 }) prevHash: string;
  @Column({ type: 'char', length: 64 }) hash: string;
}

export const PERSISTED_ENTITIES = [AgencyEntity, CameraEntity, JurisdictionEntity, AuditRecordEntity];
