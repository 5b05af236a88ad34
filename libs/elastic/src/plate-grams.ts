import { EnrichedRead } from '@platekeeper/contract';

/** Marks a plate's start and end in its grams, so a pattern anchored at either end (`7AB*`) has grams too. */
const PLATE_START = '^';
const PLATE_END = '$';
const GRAM_LENGTH = 3;

function gramsOf(run: string): string[] {
  const grams: string[] = [];
  for (let start = 0; start + GRAM_LENGTH <= run.length; start++) grams.push(run.slice(start, start + GRAM_LENGTH));
  return grams;
}

/**
 * The 3-grams of a normalised plate with its ends marked (`ABC1` → `^AB ABC BC1 C1$`): what a partial plate search
 * finds candidates by, without scanning every distinct plate (docs/performance.md). Never empty, so "the read has
 * grams" tells a read indexed with them from one indexed before they existed.
 */
export function plateGrams(normalisedPlate: string): string[] {
  const grams = gramsOf(`${PLATE_START}${normalisedPlate}${PLATE_END}`);
  return grams.length > 0 ? [...new Set(grams)] : [`${PLATE_START}${PLATE_END}`];
}

/**
 * The grams every plate matching a wildcard pattern (`*` any run, `?` one character, otherwise A–Z 0–9) must hold:
 * those of each literal run of 3 or more characters, with the plate's ends where the pattern is anchored. Empty when
 * no run is long enough (`A?B*`): then grams cannot narrow the search.
 */
export function patternPlateGrams(pattern: string): string[] {
  const anchored = `${/^[*?]/.test(pattern) ? '' : PLATE_START}${pattern}${/[*?]$/.test(pattern) ? '' : PLATE_END}`;
  return [...new Set(anchored.split(/[*?]+/).flatMap(gramsOf))];
}

/** Whether a normalised plate matches a wildcard pattern exactly as Elasticsearch's `wildcard` query on `plate` does. */
export function plateMatchesPattern(normalisedPlate: string, pattern: string): boolean {
  const expression = pattern.replace(/[^A-Z0-9*?]/g, (character) => `\\${character}`).replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`, 's').test(normalisedPlate);
}

/** Fields the index holds beside the read document, derived from it at write time and never returned. */
export interface DerivedReadFields {
  plateGrams: string[];
}

export type ReadDocument = EnrichedRead & DerivedReadFields;

/** The one way a read becomes what is stored: the read itself plus the fields searches need derived from it. */
export function toReadDocument(read: EnrichedRead): ReadDocument {
  return { ...read, plateGrams: plateGrams(read.plate) };
}

/**
 * `toReadDocument(read)` as JSON, given the text `read` was parsed from: the text with the derived fields appended,
 * so the indexer neither copies the read nor stringifies it again. A text that already names a derived field (not
 * something ingest writes) is serialised the ordinary way, so the derived value is always the one computed here.
 */
export function readDocumentJson(read: EnrichedRead, parsedFrom: string): string {
  const text = parsedFrom.trimEnd();
  if (Object.hasOwn(read, 'plateGrams') || !text.endsWith('}') || Object.keys(read).length === 0) return JSON.stringify(toReadDocument(read));
  return `${text.slice(0, -1)},"plateGrams":${JSON.stringify(plateGrams(read.plate))}}`;
}
