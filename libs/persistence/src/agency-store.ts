import { DataSource } from 'typeorm';
import { AgencyProfile, SharingPolicy } from '@platekeeper/sharing';
import { AGENCY_COLUMNS, agencyProfileFromRow } from './rows';
import { Transaction } from './sql';

/** The `agencies` table. Writes take the caller's transaction, so the change and its audit record commit together. */
export class AgencyStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The agency as stored; inside `tx` when given. */
  async find(agencyId: string, tx?: Transaction): Promise<AgencyProfile | undefined> {
    const [row] = await (tx ?? this.dataSource).query(`SELECT ${AGENCY_COLUMNS} FROM agencies WHERE id = $1`, [agencyId]);
    return row === undefined ? undefined : agencyProfileFromRow(row);
  }

  /** The agency as stored, row-locked until `tx` ends. */
  async findForUpdate(tx: Transaction, agencyId: string): Promise<AgencyProfile | undefined> {
    const [row] = await tx.query(`SELECT ${AGENCY_COLUMNS} FROM agencies WHERE id = $1 FOR UPDATE`, [agencyId]);
    return row === undefined ? undefined : agencyProfileFromRow(row);
  }

  async exists(agencyId: string): Promise<boolean> {
    const [agency] = await this.dataSource.query('SELECT id FROM agencies WHERE id = $1', [agencyId]);
    return agency !== undefined;
  }

  /** Inserts the agency; false (and nothing written) when the id is taken. */
  async insert(tx: Transaction, agency: AgencyProfile): Promise<boolean> {
    const inserted = await tx.query(
      `INSERT INTO agencies (id, name, state, category, status, retention_days, sharing, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [agency.id, agency.name, agency.state, agency.category, agency.status, agency.retentionDays, agency.sharing, agency.timeZone ?? 'UTC'],
    );
    return inserted.length > 0;
  }

  /** Writes name, category, status, retention and time zone (never the state or the sharing policy). */
  async updateProfile(tx: Transaction, agency: AgencyProfile): Promise<void> {
    await tx.query(
      `UPDATE agencies SET name = $2, category = $3, status = $4, retention_days = $5, time_zone = COALESCE($6, time_zone), updated_at = now() WHERE id = $1`,
      [agency.id, agency.name, agency.category, agency.status, agency.retentionDays, agency.timeZone ?? null],
    );
  }

  async updateSharing(tx: Transaction, agencyId: string, sharing: SharingPolicy): Promise<void> {
    await tx.query(`UPDATE agencies SET sharing = $2, updated_at = now() WHERE id = $1`, [agencyId, sharing]);
  }
}
