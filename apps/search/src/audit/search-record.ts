import type { ShareRule, WithheldOwner } from '@platekeeper/sharing';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import type { SearchRequestDto } from '../searches/search-request.dto';
import type { AuditEntry } from './audit-trail.service';

export const SEARCH_ACTIONS = ['search.reads', 'search.preview'] as const;
export type SearchAction = (typeof SEARCH_ACTIONS)[number];

/** Actor of a refused search whose caller could not be identified; not a valid agency id, so no agency reviews it as its own. */
export const UNIDENTIFIED_ACTOR = '(unauthenticated)';

/** The criteria of CONTRACT §4: everything in a search body but purpose, case number, reason and scope. */
const CRITERIA_FIELDS = [
  'plate', 'plateMatch', 'plateRegion', 'vehicle', 'from', 'to', 'area', 'cameraIds', 'limit', 'cursor',
] as const satisfies ReadonlyArray<keyof SearchRequestDto>;
const LEGAL_BASIS_FIELDS = ['offenseLevel', 'legalReference'] as const satisfies ReadonlyArray<keyof SearchRequestDto>;
const KNOWN_FIELDS = new Set<string>(['purpose', 'caseNumber', 'reason', 'scope', ...LEGAL_BASIS_FIELDS, ...CRITERIA_FIELDS]);
type SearchCriteria = Partial<Pick<SearchRequestDto, (typeof CRITERIA_FIELDS)[number]>>;

/**
 * What a refused search's record keeps of a body nobody validated: only the known fields, each string cut to
 * its limit with a marker, lists shortened. A valid search fits within every limit, so nothing of it is lost.
 */
export const REFUSED_RECORD_LIMITS = {
  purposeChars: 64,
  caseNumberChars: 100,
  reasonChars: 2000,
  scopeChars: 32,
  criterionChars: 200,
  cursorChars: 500,
  cameraIds: 100,
  unknownFieldNames: 10,
  unknownFieldNameChars: 64,
  refusalMessages: 10,
  refusalMessageChars: 300,
} as const;

export interface SearchRecordPayload {
  searchId: string | null;
  purpose: unknown;
  caseNumber: unknown;
  reason: unknown;
  scope: unknown;
  criteria: Record<string, unknown>;
  outcome: 'answered' | 'previewed' | 'refused';
  /** reads matching the search it answered with (0 unless answered) */
  total: number;
  /** per owner agency, reads this page returned */
  returnedByOwner: Record<string, number>;
  /** owners a deny rule withheld, with every reason */
  withheldOwners: WithheldOwner[];
  /** per withheld owner that held reads matching the criteria within its retention, how many; only owners with at least one */
  withheldByOwner: Record<string, number>;
  refusal?: string | number;
  refusalMessages?: string[];
  unknownFields?: string[];
  /** the offense level and legal reference the search stated, where it stated them */
  offenseLevel?: unknown;
  legalReference?: unknown;
  /** how the search was decided (docs/legal-basis.md): what `GET /v1/audit/searches/{id}/explain` answers from */
  decisionTrace?: DecisionTrace;
}

/**
 * The decision a search ran under, kept with its record so it is answered later, not reconstructed: the sharing
 * world's version, the rule that granted each owner whose reads it returned (and any legal-reference window), and the
 * windows a missing legal reference narrowed it to. The reasons for withheld owners are `withheldOwners`.
 */
export interface DecisionTrace {
  worldVersion: string;
  decidedAt: string;
  grantedOwners: Array<{ agencyId: string; rule: ShareRule; retentionDays: number; maxAgeHours?: number }>;
  narrowedToHours: number[];
}

function searchRecord(action: SearchAction, actor: AuthenticatedUser | undefined, payload: SearchRecordPayload): AuditEntry {
  return {
    kind: 'search',
    action,
    actorUserId: actor?.userId ?? UNIDENTIFIED_ACTOR,
    actorAgencyId: actor?.agencyId ?? UNIDENTIFIED_ACTOR,
    payload: { ...payload },
  };
}

/** What a validated search asked: its purpose, case, reason, scope, and every other field as its criteria. */
function validatedRequest(request: SearchRequestDto) {
  const { purpose, caseNumber, reason, scope, offenseLevel, legalReference, ...criteria } = request;
  return {
    purpose, caseNumber, reason, scope: scope ?? 'local', criteria: criteria as SearchCriteria,
    ...(offenseLevel !== undefined && { offenseLevel }),
    ...(legalReference !== undefined && { legalReference }),
  };
}

/** A search that ran: what it asked, what it returned per owner, and which withheld owners held matching reads. */
export function answeredSearchRecord(
  user: AuthenticatedUser,
  request: SearchRequestDto,
  outcome: {
    searchId: string;
    total: number;
    returnedByOwner: Record<string, number>;
    withheldOwners: WithheldOwner[];
    withheldByOwner: Record<string, number>;
    decisionTrace?: DecisionTrace;
  },
): AuditEntry {
  return searchRecord('search.reads', user, {
    searchId: outcome.searchId,
    ...validatedRequest(request),
    outcome: 'answered',
    total: outcome.total,
    returnedByOwner: outcome.returnedByOwner,
    withheldOwners: outcome.withheldOwners.map(({ agencyId, reasons }) => ({ agencyId, reasons })),
    withheldByOwner: outcome.withheldByOwner,
    ...(outcome.decisionTrace !== undefined && { decisionTrace: outcome.decisionTrace }),
  });
}

/** A preview reads no read, so it withheld none: it never counts for another agency. */
export function previewedSearchRecord(
  user: AuthenticatedUser,
  request: SearchRequestDto,
  outcome: { searchId: string; withheldOwners: WithheldOwner[] },
): AuditEntry {
  return searchRecord('search.preview', user, {
    searchId: outcome.searchId,
    ...validatedRequest(request),
    outcome: 'previewed',
    total: 0,
    returnedByOwner: {},
    withheldOwners: outcome.withheldOwners.map(({ agencyId, reasons }) => ({ agencyId, reasons })),
    withheldByOwner: {},
  });
}

/** A refused search, from whatever body arrived (possibly none, possibly hostile), bounded by REFUSED_RECORD_LIMITS. */
export function refusedSearchRecord(
  action: SearchAction,
  caller: AuthenticatedUser | undefined,
  body: unknown,
  refusal: { code: string | number; messages: string[] },
): AuditEntry {
  const fields = isPlainObject(body) ? body : {};
  const limits = REFUSED_RECORD_LIMITS;
  const unknownFields = Object.keys(fields).filter((field) => !KNOWN_FIELDS.has(field));
  return searchRecord(action, caller, {
    searchId: null,
    purpose: recordedScalar(fields.purpose, limits.purposeChars) ?? null,
    caseNumber: recordedScalar(fields.caseNumber, limits.caseNumberChars) ?? null,
    reason: recordedScalar(fields.reason, limits.reasonChars) ?? null,
    scope: recordedScalar(fields.scope, limits.scopeChars) ?? 'local',
    criteria: refusedCriteria(fields),
    outcome: 'refused',
    total: 0,
    returnedByOwner: {},
    withheldOwners: [],
    withheldByOwner: {},
    refusal: refusal.code,
    refusalMessages: shortened(refusal.messages, limits.refusalMessages).map((message) => truncated(message, limits.refusalMessageChars)),
    ...(fields.offenseLevel !== undefined && { offenseLevel: recordedScalar(fields.offenseLevel, limits.purposeChars) }),
    ...(fields.legalReference !== undefined && { legalReference: recordedScalar(fields.legalReference, limits.caseNumberChars * 2) }),
    ...(unknownFields.length > 0 && {
      unknownFields: shortened(unknownFields, limits.unknownFieldNames).map((field) => truncated(field, limits.unknownFieldNameChars)),
    }),
  });
}

function refusedCriteria(fields: Record<string, unknown>): Record<string, unknown> {
  const chars = REFUSED_RECORD_LIMITS.criterionChars;
  const criteria: Record<string, unknown> = {};
  const keep = (field: string, value: unknown) => {
    if (value !== undefined) criteria[field] = value;
  };
  for (const field of ['plate', 'plateMatch', 'plateRegion', 'from', 'to', 'limit'] as const) keep(field, recordedScalar(fields[field], chars));
  keep('cursor', recordedScalar(fields.cursor, REFUSED_RECORD_LIMITS.cursorChars));
  keep('vehicle', recordedObject(fields.vehicle, ['make', 'model', 'color', 'type']));
  if (isPlainObject(fields.area)) {
    const area: Record<string, unknown> = {};
    if (Array.isArray(fields.area.bbox)) area.bbox = shortened(fields.area.bbox, 4).map((corner) => recordedScalar(corner, chars) ?? null);
    else if (fields.area.bbox !== undefined) area.bbox = recordedScalar(fields.area.bbox, chars);
    const near = recordedObject(fields.area.near, ['lat', 'lon', 'radiusKm']);
    if (near !== undefined) area.near = near;
    criteria.area = area;
  } else {
    keep('area', recordedScalar(fields.area, chars));
  }
  if (Array.isArray(fields.cameraIds)) {
    criteria.cameraIds = shortened(fields.cameraIds, REFUSED_RECORD_LIMITS.cameraIds).map((cameraId) => recordedScalar(cameraId, chars) ?? null);
  } else {
    keep('cameraIds', recordedScalar(fields.cameraIds, chars));
  }
  return criteria;
}

function recordedObject(value: unknown, fields: string[]): unknown {
  if (!isPlainObject(value)) return recordedScalar(value, REFUSED_RECORD_LIMITS.criterionChars);
  const kept: Record<string, unknown> = {};
  for (const field of fields) {
    const scalar = recordedScalar(value[field], REFUSED_RECORD_LIMITS.criterionChars);
    if (scalar !== undefined) kept[field] = scalar;
  }
  return kept;
}

/** A scalar as sent (strings cut to `maxChars`); an object or a list where a scalar belongs is named, not kept. */
function recordedScalar(value: unknown, maxChars: number): unknown {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return truncated(value, maxChars);
  return Array.isArray(value) ? `[a list of ${value.length}]` : '[an object]';
}

export function truncated(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…[truncated, ${text.length} characters]`;
}

function shortened<T>(items: T[], maxItems: number): Array<T | string> {
  return items.length <= maxItems ? items : [...items.slice(0, maxItems), `…[${items.length - maxItems} more]`];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
