import { BadRequestException } from '@nestjs/common';
import { ValidateIf, ValidationOptions, registerDecorator } from 'class-validator';

export const AGENCY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,99}$/;
export const STATE_CODE_PATTERN = /^[A-Z]{2}$/;
export const MAX_RETENTION_DAYS = 3650;
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_POLICY_LIST_SIZE = 1000;
/** An agency's time zone until an administrator sets one (docs/oversight.md). */
export const DEFAULT_TIME_ZONE = 'UTC';

/**
 * The canonical IANA name of a time zone given as an `Area/Location` name or `UTC` (`US/Pacific` is
 * `America/Los_Angeles`), or undefined when it is not one the runtime's time zone database knows. Offsets (`+02:00`)
 * and abbreviations (`PST`, which ICU would read as Los Angeles) are refused: they are not IANA names of a place.
 */
export function canonicalTimeZone(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length > 64) return undefined;
  if (name !== 'UTC' && !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+$/.test(name)) return undefined;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return /^(?:[A-Z][A-Za-z_-]*\/[A-Za-z0-9_+/-]+|UTC)$/.test(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}

/** An IANA time zone name, e.g. `America/Los_Angeles`. */
export function IsIanaTimeZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) => registerDecorator({
    name: 'isIanaTimeZone', target: object.constructor, propertyName,
    options: { message: `${propertyName} must be an IANA time zone name, e.g. America/Los_Angeles or UTC`, ...options },
    validator: { validate: (value: unknown) => canonicalTimeZone(value) !== undefined },
  });
}

/** Absent leaves a field alone; null is not a value any of these fields can take, so it is validated (and refused). */
export const OptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** The fields of `patch` that were actually sent (DTO instances carry every declared field, absent ones as undefined). */
export function sentFields<T extends object, K extends keyof T>(patch: T, fields: readonly K[]): Partial<Pick<T, K>> {
  const sent: Partial<Pick<T, K>> = {};
  for (const field of fields) if (patch[field] !== undefined) sent[field] = patch[field];
  return sent;
}

/** A PATCH that names no field would record a change that changes nothing. */
export function requireSomeField(patch: object, fields: readonly string[]): void {
  if (!fields.some((field) => (patch as Record<string, unknown>)[field] !== undefined)) {
    throw new BadRequestException([`the body must name at least one of ${fields.join(', ')}`]);
  }
}

/** Keeps the first occurrence of each value, in the order given. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
