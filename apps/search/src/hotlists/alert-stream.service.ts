import { Injectable, Logger, MessageEvent, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Observable, Subject, filter, map } from 'rxjs';
import { AnnouncedAlert, HotlistStore } from '@platekeeper/persistence';

/**
 * Alerts as the alerts service announces them (PostgreSQL NOTIFY, sent when the alert and its audit record commit),
 * fanned out to this instance's open streams, each filtered to its investigator's agency.
 */
@Injectable()
export class AlertStream implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AlertStream.name);
  private readonly announced = new Subject<AnnouncedAlert>();
  private stopListening?: () => Promise<void>;

  constructor(private readonly hotlists: HotlistStore) {}

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.hotlists.listen((alert) => this.announced.next(alert));
    this.logger.log('listening for hotlist alerts');
  }

  async onApplicationShutdown(): Promise<void> {
    this.announced.complete();
    await this.stopListening?.();
  }

  /** Every alert for `agencyId` announced from now on, as server-sent events named `alert`. */
  forAgency(agencyId: string): Observable<MessageEvent> {
    return this.announced.pipe(
      filter((alert) => alert.agencyId === agencyId),
      map((alert) => ({ type: 'alert', id: String(alert.alertId ?? ''), data: alert })),
    );
  }
}
