import { Injectable } from '@nestjs/common';
import { EffectiveAccess, effectiveAccess } from '@platekeeper/sharing';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { SharingWorldService } from '../sharing-world/sharing-world.service';
import { assertReviews } from '../auth/agency-access';

/** Who can search this agency's reads right now: computed from the live policies on every call, never stored. */
@Injectable()
export class GetEffectiveAccessUseCase {
  constructor(private readonly sharingWorld: SharingWorldService) {}

  async execute(user: AuthenticatedUser, agencyId: string): Promise<EffectiveAccess> {
    assertReviews(user, agencyId);
    const world = await this.sharingWorld.current();
    if (!world.agencies.has(agencyId)) throw new DomainError('AGENCY.NOT_FOUND', `agency ${agencyId} does not exist`);
    return effectiveAccess(world, agencyId, new Date());
  }
}
