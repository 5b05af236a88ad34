import { ValidationOptions, registerDecorator } from 'class-validator';

/** NUL, or a UTF-16 surrogate without its partner: neither can be stored in PostgreSQL or sent to Elasticsearch as text. */
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const hasUnstorableText = (text: string): boolean => UNSTORABLE_TEXT.test(text);

/** The text with each NUL or lone surrogate replaced by U+FFFD, so a record of a refused request can always be stored. */
const UNSTORABLE_TEXT_EVERYWHERE = new RegExp(UNSTORABLE_TEXT.source, 'g');
// Every string of every audit record passes here; nearly all are clean, and a test allocates nothing.
export const storableText = (text: string): string => (UNSTORABLE_TEXT.test(text) ? text.replace(UNSTORABLE_TEXT_EVERYWHERE, '\uFFFD') : text);

/** Deeper than this, a recorded value is replaced by a marker: hashing and verifying the chain recurse over it. */
export const MAX_RECORD_NESTING = 16;

/**
 * A copy of `value` that PostgreSQL can store and the hash chain can always recompute: text made storable,
 * anything nested deeper than MAX_RECORD_NESTING replaced by a marker (a hostile body can nest thousands deep).
 */
export function storableRecordValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_RECORD_NESTING) return `[nested deeper than ${MAX_RECORD_NESTING} levels]`;
  if (Array.isArray(value)) return value.map((item) => storableRecordValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [storableText(key), storableRecordValue(item, depth + 1)]),
  );
}

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

const PROTOTYPE_KEYS = new Set(['constructor', '__proto__', 'prototype']);

/** The deepest a request value may nest; the deepest field of any schema here is area.near.lat (3). */
export const MAX_INPUT_NESTING = 10;

/**
 * What makes a request value unsafe to hand on, each named by its path (`vehicle.make`, `cameraIds[2]`):
 * a string or field name holding unstorable text, or nesting deeper than MAX_INPUT_NESTING (which would
 * overflow the stack of the validators further in). `path` names `value` itself.
 */
export function unsafeInputProblems(value: unknown, path: string, depth = 0): string[] {
  const name = path || 'the body';
  if (typeof value === 'string') return hasUnstorableText(value) ? [`${name} ${UNSTORABLE_TEXT_MESSAGE}`] : [];
  if (value === null || typeof value !== 'object') return [];
  if (depth >= MAX_INPUT_NESTING) return [`${name} must not nest deeper than ${MAX_INPUT_NESTING} levels`];
  if (Array.isArray(value)) return value.flatMap((item, index) => unsafeInputProblems(item, `${path}[${index}]`, depth + 1));
  return Object.entries(value).flatMap(([key, item]) => {
    if (hasUnstorableText(key)) return [`${path ? `${path}: a field name` : 'a field name'} ${UNSTORABLE_TEXT_MESSAGE}`];
    // class-validator's whitelist takes these for known members of every class, so it would let them through.
    if (PROTOTYPE_KEYS.has(key)) return [`property ${path ? `${path}.${key}` : key} should not exist`];
    return unsafeInputProblems(item, path ? `${path}.${key}` : key, depth + 1);
  });
}

/** Not empty once surrounding whitespace is removed: `"   "` is no case number. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return trimmedAtLeast(1, '$property must not be empty or only whitespace', options);
}

/** At least `length` characters once surrounding whitespace is removed. */
export function MinTrimmedLength(length: number, options?: ValidationOptions): PropertyDecorator {
  return trimmedAtLeast(length, `$property must be at least ${length} characters, not counting surrounding whitespace`, options);
}

function trimmedAtLeast(length: number, message: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'trimmedAtLeast',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [length],
      options: { message, ...options },
      validator: {
        validate: (value: unknown) => (Array.isArray(value) ? value : [value]).every(
          (item) => typeof item === 'string' && item.trim().length >= length,
        ),
      },
    });
}

/**
 * A calendar date (`2026-11-27`) or a date-time with an offset (`2026-11-27T10:00:00Z`, `…+02:00`,
 * seconds and up to nine fractional digits optional). Week dates, ordinal dates, basic format,
 * expanded years and impossible dates (`2026-02-30`, hour 24) are refused rather than handed on.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = TIMESTAMP.exec(value);
  if (!parts) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = parts
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // Date.UTC would read years below 100 as 19xx
  const realDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return realDay && year >= 1 && hour < 24 && minute < 60 && second < 60 && offsetHours <= 14 && offsetMinutes < 60
    && !Number.isNaN(Date.parse(value));
}

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be a date (YYYY-MM-DD) or a date-time with an offset (YYYY-MM-DDTHH:MM[:SS[.fff]]Z or ±HH:MM)',
        ...options,
      },
      validator: { validate: isTimestamp },
    });
}
