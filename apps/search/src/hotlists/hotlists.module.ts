import { Module } from '@nestjs/common';
import { SearchReadsUseCase } from '../searches/search-reads.usecase';
import { WithheldMatchingReads } from '../searches/withheld-matching-reads';
import { AlertStream } from './alert-stream.service';
import { HotlistAlertsUseCase } from './hotlist-alerts.usecase';
import { HotlistEntriesUseCase } from './hotlist-entries.usecase';
import { HotlistAlertsController, HotlistsController } from './hotlists.controller';
import { HotlistsUseCase } from './hotlists.usecase';
import { ImportHotlistEntriesUseCase } from './import-hotlist-entries.usecase';

/** Hotlists of the caller's agency (docs/hotlists.md): lists, entries, CSV imports, alerts, dispositions, the alert stream. */
@Module({
  controllers: [HotlistsController, HotlistAlertsController],
  providers: [HotlistsUseCase, HotlistEntriesUseCase, ImportHotlistEntriesUseCase, HotlistAlertsUseCase, AlertStream, SearchReadsUseCase, WithheldMatchingReads],
})
export class HotlistsModule {}
