import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { CsvError, parse } from 'csv-parse/sync';
import { Database, HotlistStore, NewHotlistEntry } from '@platekeeper/persistence';
import { AuditTrail } from '../audit/audit-trail.service';
import { changeRecord } from '../audit/change-record';
import { RequestContext } from '../auth/request-context';
import { DomainError } from '../errors/domain-error';
import { expiryProblems, newHotlistEntry } from './hotlist-entry-rules';
import { HotlistEntryFields, HotlistImportDto, HotlistImportReportDto, ImportLineDto } from './hotlist.dto';
import { hotlistOwner, requireHotlist } from './hotlists.usecase';

export const MAX_IMPORT_LINES = 10_000;

type EntryField = 'plate' | 'plateRegion' | 'purpose' | 'caseNumber' | 'reason' | 'expiresAt' | 'make' | 'model' | 'color' | 'type';

/**
 * Accepted header names (case, spaces, dashes and underscores ignored), ours and the NCIC vehicle file's field codes
 * that state and NCIC hotlist exports carry (LIC plate, LIS plate state, OCA originating case, VMA/VMO/VCO/VST vehicle).
 */
export const IMPORT_COLUMNS: Readonly<Record<EntryField, readonly string[]>> = {
  plate: ['plate', 'lic', 'licenseplate', 'platenumber'],
  plateRegion: ['plateregion', 'state', 'lis', 'region', 'platestate'],
  purpose: ['purpose'],
  caseNumber: ['casenumber', 'case', 'oca'],
  reason: ['reason', 'mis', 'remarks'],
  expiresAt: ['expiresat', 'expires', 'expiry', 'expirationdate'],
  make: ['make', 'vma'],
  model: ['model', 'vmo'],
  color: ['color', 'colour', 'vco'],
  type: ['type', 'vst', 'vehicletype'],
};
const REQUIRED_COLUMNS: readonly EntryField[] = ['plate', 'purpose', 'caseNumber', 'reason', 'expiresAt'];
const FIELD_BY_HEADER = new Map(Object.entries(IMPORT_COLUMNS).flatMap(([field, names]) => names.map((name) => [name, field as EntryField])));
const headerKey = (header: string) => header.toLowerCase().replace(/[\s_-]/g, '');

/**
 * Bulk import of a CSV hotlist (docs/hotlists.md): every line checked by the same rules as a REST entry; good lines
 * stored together with one change record, each bad one reported with its line number and every broken rule.
 */
@Injectable()
export class ImportHotlistEntriesUseCase {
  constructor(private readonly database: Database, private readonly hotlists: HotlistStore, private readonly auditTrail: AuditTrail) {}

  async execute(context: RequestContext, hotlistId: string, request: HotlistImportDto): Promise<HotlistImportReportDto> {
    const { user, world } = context;
    const agency = hotlistOwner(context);
    await requireHotlist(this.hotlists, user.agencyId, hotlistId);
    const rows = parseCsv(request.csv);
    const [header, ...lines] = rows;
    const fields = header.record.map((name) => FIELD_BY_HEADER.get(headerKey(name)));
    const missing = REQUIRED_COLUMNS.filter((field) => !fields.includes(field));
    if (missing.length > 0) {
      throw new DomainError('HOTLIST.ENTRY_INVALID', `csv: the header line lacks the column(s) ${missing.join(', ')} (docs/hotlists.md lists the accepted names)`);
    }
    if (lines.length > MAX_IMPORT_LINES) throw new DomainError('HOTLIST.ENTRY_INVALID', `csv: at most ${MAX_IMPORT_LINES} lines per import`);
    const now = new Date();
    const report: ImportLineDto[] = [];
    const accepted: Array<{ report: ImportLineDto; entry: NewHotlistEntry }> = [];
    const firstLineByPlate = new Map<string, number>();
    for (const { line, record } of lines) {
      const problems: string[] = [];
      if (record.length !== header.record.length) problems.push(`has ${record.length} fields where the header has ${header.record.length}`);
      const entryFields = problems.length > 0 ? undefined : lineFields(fields, record);
      if (entryFields !== undefined) problems.push(...fieldProblems(entryFields));
      if (entryFields !== undefined && problems.length === 0) problems.push(...expiryProblems(entryFields, agency, world, now));
      const lineReport: ImportLineDto = { line, status: problems.length > 0 ? 'refused' : 'accepted' };
      report.push(lineReport);
      if (problems.length > 0) {
        lineReport.problems = problems;
        continue;
      }
      const entry = newHotlistEntry(entryFields!, { hotlistId, agencyId: user.agencyId, addedBy: user.userId, source: request.source ?? 'import' });
      const key = `${entry.plate}|${entry.plateRegion ?? ''}`;
      const earlier = firstLineByPlate.get(key);
      if (earlier !== undefined) {
        Object.assign(lineReport, { status: 'refused', problems: [`repeats the plate of line ${earlier}`] });
        continue;
      }
      firstLineByPlate.set(key, line);
      accepted.push({ report: lineReport, entry });
    }
    if (accepted.length > 0) {
      await this.database.transaction(async (tx) => {
        const stored = await this.hotlists.insertEntries(tx, accepted.map(({ entry }) => entry));
        stored.forEach((entry, position) => (accepted[position].report.entryId = entry.id));
        const summary = { accepted: stored.length, refused: report.length - stored.length, entries: stored.map(({ id, plate, plateRegion, expiresAt }) => ({ id, plate, plateRegion, expiresAt })) };
        await this.auditTrail.append(changeRecord(user, 'hotlist_entry.import', { type: 'hotlist', id: hotlistId }, null, summary), tx);
      });
    }
    return { accepted: accepted.length, refused: report.length - accepted.length, lines: report };
  }
}

function parseCsv(csv: string): Array<{ line: number; record: string[] }> {
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(csv, { info: true, skip_empty_lines: true, relax_column_count: true, trim: true, bom: true }) as unknown as typeof parsed;
  } catch (error) {
    const detail = error instanceof CsvError ? error.message : 'not readable as CSV';
    throw new DomainError('HOTLIST.ENTRY_INVALID', `csv: ${detail}`);
  }
  if (parsed.length === 0) throw new DomainError('HOTLIST.ENTRY_INVALID', 'csv: needs a header line and at least one entry line');
  return parsed.map(({ record, info }) => ({ line: info.lines, record }));
}

function lineFields(fields: Array<EntryField | undefined>, record: string[]): HotlistEntryFields {
  const plain: Record<string, unknown> = {};
  const vehicle: Record<string, string> = {};
  fields.forEach((field, column) => {
    const value = record[column];
    if (field === undefined || value === '') return;
    if (field === 'make' || field === 'model' || field === 'color' || field === 'type') vehicle[field] = value;
    else plain[field] = value;
  });
  if (Object.keys(vehicle).length > 0) plain.vehicle = vehicle;
  return plainToInstance(HotlistEntryFields, plain);
}

function fieldProblems(fields: HotlistEntryFields): string[] {
  return messagesOf(validateSync(fields, { whitelist: true, forbidNonWhitelisted: true }));
}

function messagesOf(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => (parent ? `${path}: ${message}` : message));
    return [...own, ...messagesOf(error.children ?? [], path)];
  });
}
