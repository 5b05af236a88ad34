import { Injectable } from '@nestjs/common';
import { Database, Hotlist, HotlistStore, SqlRunner } from '@platekeeper/persistence';
import type { AgencyProfile } from '@platekeeper/sharing';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { RequestContext } from '../auth/request-context';
import { DomainError } from '../errors/domain-error';
import { CreateHotlistDto } from './hotlist.dto';

/** The agency's list, or 404 alike for another agency's list and for none: a list id reveals nothing. */
export async function requireHotlist(hotlists: HotlistStore, agencyId: string, hotlistId: string, sql?: SqlRunner): Promise<Hotlist> {
  const hotlist = await hotlists.findList(agencyId, hotlistId, sql);
  if (hotlist === undefined) throw new DomainError('HOTLIST.NOT_FOUND', 'no such hotlist in your agency');
  return hotlist;
}

/**
 * The caller's agency as the live world has it. Only a platform_admin of an agency that is not registered gets past
 * the AuthGuard without one; hotlists belong to registered agencies, so that caller is refused like an inactive one.
 */
export function hotlistOwner(context: RequestContext): AgencyProfile {
  if (context.agency === undefined) throw new DomainError('AUTH.AGENCY_NOT_ACTIVE', `agency ${context.user.agencyId} is not registered`);
  return context.agency;
}

@Injectable()
export class HotlistsUseCase {
  constructor(private readonly database: Database, private readonly hotlists: HotlistStore, private readonly auditTrail: AuditTrail) {}

  create(context: RequestContext, request: CreateHotlistDto): Promise<Hotlist> {
    const { user } = context;
    hotlistOwner(context);
    return this.database.transaction(async (tx) => {
      const hotlist = await this.hotlists.createList(tx, {
        agencyId: user.agencyId, name: request.name, description: request.description ?? null, createdBy: user.userId,
      });
      if (hotlist === null) throw new DomainError('HOTLIST.ALREADY_EXISTS', `your agency already has a hotlist named "${request.name}"`);
      await this.auditTrail.append(changeRecord(user, 'hotlist.create', { type: 'hotlist', id: hotlist.id }, null, hotlist), tx);
      return hotlist;
    });
  }

  listOwn({ user }: RequestContext): Promise<Hotlist[]> {
    return this.hotlists.listsOf(user.agencyId);
  }

  find({ user }: RequestContext, hotlistId: string): Promise<Hotlist> {
    return requireHotlist(this.hotlists, user.agencyId, hotlistId);
  }
}
