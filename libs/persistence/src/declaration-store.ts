import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SearchPurpose } from '@platekeeper/sharing';
import { DECLARATION_COLUMNS } from './rows';
import { Transaction } from './sql';

/** A declaration as filed: who signed what, for which purposes, until when; revoked ones are kept with who revoked them. */
export interface FiledDeclaration {
  id: string;
  ownerAgencyId: string;
  searcherAgencyId: string;
  documentRef: string;
  signer: string;
  purposes: SearchPurpose[];
  expiresAt: string;
  filedBy: string;
  filedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export type NewDeclaration = Pick<FiledDeclaration, 'ownerAgencyId' | 'searcherAgencyId' | 'documentRef' | 'signer' | 'purposes' | 'expiresAt' | 'filedBy'>;

/** The `searcher_declarations` table: declarations searcher agencies have on file with owners (docs/legal-basis.md). */
export class DeclarationStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Transaction, declaration: NewDeclaration): Promise<FiledDeclaration> {
    const [row] = await tx.query(
      `INSERT INTO searcher_declarations (id, owner_agency_id, searcher_agency_id, document_ref, signer, purposes, expires_at, filed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${DECLARATION_COLUMNS}`,
      [
        randomUUID(), declaration.ownerAgencyId, declaration.searcherAgencyId, declaration.documentRef, declaration.signer,
        declaration.purposes, declaration.expiresAt, declaration.filedBy,
      ],
    );
    return filedDeclarationFromRow(row);
  }

  async listByOwner(ownerAgencyId: string): Promise<FiledDeclaration[]> {
    const rows = await this.dataSource.query(
      `SELECT ${DECLARATION_COLUMNS} FROM searcher_declarations WHERE owner_agency_id = $1 ORDER BY filed_at DESC, id`,
      [ownerAgencyId],
    );
    return rows.map(filedDeclarationFromRow);
  }

  async findForUpdate(tx: Transaction, ownerAgencyId: string, id: string): Promise<FiledDeclaration | undefined> {
    const [row] = await tx.query(
      `SELECT ${DECLARATION_COLUMNS} FROM searcher_declarations WHERE owner_agency_id = $1 AND id = $2 FOR UPDATE`,
      [ownerAgencyId, id],
    );
    return row === undefined ? undefined : filedDeclarationFromRow(row);
  }

  async revoke(tx: Transaction, id: string, revokedBy: string): Promise<FiledDeclaration> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [[row]] = await tx.query(
      `UPDATE searcher_declarations SET revoked_at = now(), revoked_by = $2 WHERE id = $1 RETURNING ${DECLARATION_COLUMNS}`,
      [id, revokedBy],
    );
    return filedDeclarationFromRow(row);
  }
}

function filedDeclarationFromRow(row: Record<string, any>): FiledDeclaration {
  const instant = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
  return {
    id: row.id,
    ownerAgencyId: row.owner_agency_id,
    searcherAgencyId: row.searcher_agency_id,
    documentRef: row.document_ref,
    signer: row.signer,
    purposes: row.purposes,
    expiresAt: instant(row.expires_at)!,
    filedBy: row.filed_by,
    filedAt: instant(row.filed_at)!,
    revokedAt: instant(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}
