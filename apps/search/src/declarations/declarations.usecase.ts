import { Injectable } from '@nestjs/common';
import { AgencyStore, Database, DeclarationStore } from '@platekeeper/persistence';
import { requireAgency } from '../agencies/agency-rows';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { assertAdministers, assertReviews } from '../auth/agency-access';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../errors/domain-error';
import { distinct } from '../validation/administration-fields';
import { DeclarationDto, FileDeclarationDto, declarationDto } from './declaration.dto';

/**
 * Declarations searcher agencies file with an owner (Illinois-style, docs/legal-basis.md): the owner's agency_admin
 * (or a platform_admin) files, lists and revokes them; each change commits with its audit record, and the sharing
 * world's version bump puts it in force for the next search. Expiry needs no write: the rule reads the time.
 */
@Injectable()
export class DeclarationsUseCase {
  constructor(
    private readonly database: Database,
    private readonly agencies: AgencyStore,
    private readonly declarations: DeclarationStore,
    private readonly auditTrail: AuditTrail,
  ) {}

  async file(user: AuthenticatedUser, ownerAgencyId: string, request: FileDeclarationDto): Promise<DeclarationDto> {
    assertAdministers(user, ownerAgencyId);
    const now = new Date();
    if (request.searcherAgencyId === ownerAgencyId) {
      throw new DomainError('DECLARATION.INVALID', 'searcherAgencyId must be another agency: an owner needs no declaration for its own reads');
    }
    if (Date.parse(request.expiresAt) <= now.getTime()) throw new DomainError('DECLARATION.INVALID', 'expiresAt must lie in the future');
    return this.database.transaction(async (tx) => {
      await requireAgency(this.agencies, ownerAgencyId, { tx });
      await requireAgency(this.agencies, request.searcherAgencyId, { tx });
      const filed = await this.declarations.insert(tx, {
        ownerAgencyId,
        searcherAgencyId: request.searcherAgencyId,
        documentRef: request.documentRef.trim(),
        signer: request.signer.trim(),
        purposes: distinct(request.scope),
        expiresAt: new Date(request.expiresAt).toISOString(),
        filedBy: user.userId,
      });
      await this.auditTrail.append(changeRecord(user, 'declaration.file', { type: 'declaration', id: filed.id }, null, filed), tx);
      return declarationDto(filed, now);
    });
  }

  async list(user: AuthenticatedUser, ownerAgencyId: string): Promise<DeclarationDto[]> {
    assertReviews(user, ownerAgencyId);
    await requireAgency(this.agencies, ownerAgencyId);
    const now = new Date();
    return (await this.declarations.listByOwner(ownerAgencyId)).map((filed) => declarationDto(filed, now));
  }

  async revoke(user: AuthenticatedUser, ownerAgencyId: string, declarationId: string): Promise<DeclarationDto> {
    assertAdministers(user, ownerAgencyId);
    return this.database.transaction(async (tx) => {
      const before = await this.declarations.findForUpdate(tx, ownerAgencyId, declarationId);
      if (before === undefined) throw new DomainError('DECLARATION.NOT_FOUND', `declaration ${declarationId} is not on file with ${ownerAgencyId}`);
      if (before.revokedAt !== null) return declarationDto(before, new Date());
      const after = await this.declarations.revoke(tx, declarationId, user.userId);
      await this.auditTrail.append(changeRecord(user, 'declaration.revoke', { type: 'declaration', id: declarationId }, before, after), tx);
      return declarationDto(after, new Date());
    });
  }
}
