import fc from 'fast-check';

/**
 * OpenAPI 3 schemas turned into fast-check arbitraries: fast-check generates and shrinks, this file only
 * translates `type`/`enum`/`pattern`/`minimum`/`required`/`$ref`/`allOf`/`nullable` into the matching arbitrary.
 * Hints (by property name) add the values a schema cannot say are meaningful: a real cursor, a known agency id.
 */
export type Schema = {
  $ref?: string; type?: string; enum?: unknown[]; pattern?: string; minLength?: number; maxLength?: number;
  minimum?: number; maximum?: number; items?: Schema; properties?: Record<string, Schema>; required?: string[];
  allOf?: Schema[]; nullable?: boolean; description?: string;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface OpenApiParameter { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
  security?: unknown[];
}

/** A JSON number written exactly as given (`1e400`, `-0`), which JSON.stringify cannot produce. */
export class RawJsonNumber {
  constructor(readonly text: string) {}
}

export type Hints = Record<string, fc.Arbitrary<unknown>>;

export class SchemaArbitraries {
  /** `pinned` names take only their hint: a fuzz run must not touch what other suites on the database use. */
  constructor(private readonly document: OpenApiDocument, private readonly hints: Hints = {}, private readonly pinned: string[] = []) {}

  resolve(schema: Schema): Schema {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = this.document.components?.schemas?.[name];
      if (!target) throw new Error(`OpenAPI document has no schema ${name}`);
      return this.resolve(target);
    }
    if (schema.allOf) {
      const parts = schema.allOf.map((part) => this.resolve(part));
      const { allOf: _allOf, ...rest } = schema;
      return parts.reduce<Schema>((merged, part) => ({
        ...merged, ...part,
        properties: { ...merged.properties, ...part.properties },
        required: [...(merged.required ?? []), ...(part.required ?? [])],
      }), rest);
    }
    return schema;
  }

  /** A value the schema accepts; for a hinted property name, mostly the hint. */
  valid(schema: Schema, name?: string): fc.Arbitrary<unknown> {
    const hint = name === undefined ? undefined : this.hints[name];
    if (hint && this.pinned.includes(name!)) return hint;
    const fromSchema = this.fromSchema(this.resolve(schema));
    return hint ? fc.oneof({ arbitrary: hint, weight: 4 }, { arbitrary: fromSchema, weight: 1 }) : fromSchema;
  }

  private fromSchema(schema: Schema): fc.Arbitrary<unknown> {
    const value = this.nonNullable(schema);
    return schema.nullable ? fc.option(value, { nil: null }) : value;
  }

  private nonNullable(schema: Schema): fc.Arbitrary<unknown> {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'string':
        if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
        return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) })
          .filter((text) => text.length >= (schema.minLength ?? 0));
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
      case 'number': {
        const [min, max] = [schema.minimum ?? -1_000_000, schema.maximum ?? 1_000_000];
        return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
      }
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(this.valid(schema.items ?? {}), { maxLength: 4 });
      case 'object':
      case undefined: {
        if (!schema.properties) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
        const model = Object.fromEntries(Object.entries(schema.properties).map(([key, property]) => [key, this.valid(property, key)]));
        return fc.record(model, { requiredKeys: schema.required ?? [] });
      }
      default:
        throw new Error(`no arbitrary for schema type ${schema.type}`);
    }
  }
}

export type JsonPath = Array<string | number>;

/** Every place in a JSON value (the root included) a mutation can target, with the value found there. */
export function jsonPaths(value: unknown, path: JsonPath = []): Array<{ path: JsonPath; value: unknown }> {
  const here = [{ path, value }];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => jsonPaths(item, [...path, index]))];
  if (value !== null && typeof value === 'object' && !(value instanceof RawJsonNumber)) {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => jsonPaths(item, [...path, key]))];
  }
  return here;
}

/** A copy of `value` with `replacement` at `path` (or the key deleted when `replacement` is `DELETE`). */
export const DELETE = Symbol('delete');
export function setAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (rest.length === 0 && replacement === DELETE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
    return copy;
  }
  // defineProperty, so a key such as `__proto__` becomes an own field as a JSON parser would make it
  Object.defineProperty(copy, head, { value: setAt(copy[head], rest, replacement), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** JSON text, with RawJsonNumber written verbatim; iterative so very deep values do not overflow the stack. */
export function toJsonText(value: unknown): string {
  const out: string[] = [];
  const work: unknown[] = [value];
  while (work.length > 0) {
    const item = work.pop();
    if (item instanceof Verbatim) out.push(item.text);
    else if (item instanceof RawJsonNumber) out.push(item.text);
    else if (Array.isArray(item)) {
      out.push('[');
      work.push(new Verbatim(']'));
      for (let index = item.length - 1; index >= 0; index--) {
        work.push(item[index]);
        if (index > 0) work.push(new Verbatim(','));
      }
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item);
      out.push('{');
      work.push(new Verbatim('}'));
      for (let index = entries.length - 1; index >= 0; index--) {
        work.push(entries[index][1]);
        work.push(new Verbatim(`${JSON.stringify(entries[index][0])}:`));
        if (index > 0) work.push(new Verbatim(','));
      }
    } else out.push(item === undefined ? 'null' : JSON.stringify(item));
  }
  return out.join('');
}

class Verbatim {
  constructor(readonly text: string) {}
}
