import { Module } from '@nestjs/common';
import { GovernedSharingChanges } from './governed-sharing-changes';
import { SharingGovernanceController } from './sharing-governance.controller';
import { SharingNotices } from './sharing-notices.service';

/** Governed changes to sharing: two-person approval and notice periods for widenings, notices of every change (docs/console.md). */
@Module({
  controllers: [SharingGovernanceController],
  providers: [GovernedSharingChanges, SharingNotices],
  exports: [GovernedSharingChanges, SharingNotices],
})
export class SharingGovernanceModule {}
