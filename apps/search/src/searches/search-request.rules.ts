import { ValidationArguments, ValidationOptions, registerDecorator } from 'class-validator';

/** Fewer literal characters than this make a partial plate pattern match a large share of all reads. */
export const MIN_PARTIAL_PLATE_CHARACTERS = 3;

function rule(
  name: string,
  message: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate },
    });
}

/** A partial pattern needs enough letters and digits to narrow the search (`*` and `?` do not count). */
export const IsSpecificEnoughPlate = () =>
  rule(
    'isSpecificEnoughPlate',
    `plate must have at least ${MIN_PARTIAL_PLATE_CHARACTERS} letters or digits for a partial match (wildcards do not count)`,
    (value, args) =>
      (args.object as { plateMatch?: unknown }).plateMatch !== 'partial'
      || (typeof value === 'string' && value.replace(/[^A-Za-z0-9]/g, '').length >= MIN_PARTIAL_PLATE_CHARACTERS),
  );

/** An object criterion only narrows a search if it names at least one of its fields. */
export const NamesAtLeastOneOf = (fields: readonly string[]) =>
  rule(
    'namesAtLeastOneOf',
    `$property must name at least one of ${fields.join(', ')}`,
    (value) => typeof value === 'object' && value !== null && fields.some((field) => (value as Record<string, unknown>)[field] != null),
  );

/** `area` is a box or a circle, not both and not neither. */
export const NamesExactlyOneOf = (fields: readonly string[]) =>
  rule(
    'namesExactlyOneOf',
    `$property must give exactly one of ${fields.join(' or ')}`,
    (value) =>
      typeof value === 'object' && value !== null
      && fields.filter((field) => (value as Record<string, unknown>)[field] !== undefined).length === 1,
  );

/** `[minLon, minLat, maxLon, maxLat]` on the globe, min not above max (a box across the antimeridian is two searches). */
export const IsBoundingBox = () =>
  rule(
    'isBoundingBox',
    '$property must be [minLon, minLat, maxLon, maxLat] with longitudes in -180..180, latitudes in -90..90, and each min not above its max',
    (value) => {
      if (!Array.isArray(value) || value.length !== 4 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) return false;
      const [minLon, minLat, maxLon, maxLat] = value as number[];
      const lonOk = (lon: number) => lon >= -180 && lon <= 180;
      const latOk = (lat: number) => lat >= -90 && lat <= 90;
      return lonOk(minLon) && lonOk(maxLon) && latOk(minLat) && latOk(maxLat) && minLon <= maxLon && minLat <= maxLat;
    },
  );
