import Ajv, { ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S_DIRECTORY, Resource } from './render-kustomization';

/** Where each committed operator schema came from (deploy/k8s/schemas/README.md). */
export const SCHEMA_DIRECTORY = join(K8S_DIRECTORY, 'schemas');

interface CommittedSchema {
  apiVersion: string;
  kind: string;
  source: string;
  schema: Record<string, unknown>;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

/**
 * Problems with one resource, empty when it is valid: built-in kinds against the Kubernetes OpenAPI schema as the
 * `kubernetes-models` package ships it, custom resources against the schema extracted from their operator's CRD.
 * Custom resources are checked strictly: a field the CRD does not define is an error, as `kubectl apply
 * --validate=strict` would report it (the API server would otherwise drop it silently).
 */
export function validateResource(resource: Resource): string[] {
  const [group, version] = resource.apiVersion.includes('/') ? resource.apiVersion.split('/') : ['', resource.apiVersion];
  const custom = join(SCHEMA_DIRECTORY, `${group}_${version}_${resource.kind}.json`);
  if (existsSync(custom)) return validateCustom(custom, resource);
  return validateBuiltIn(group, version, resource);
}

function validateCustom(path: string, resource: Resource): string[] {
  let validate = compiled.get(path);
  if (!validate) {
    const committed = JSON.parse(readFileSync(path, 'utf8')) as CommittedSchema;
    validate = ajv.compile(closed(committed.schema) as Record<string, unknown>);
    compiled.set(path, validate);
  }
  if (validate(resource)) return [];
  return (validate.errors ?? []).map((error) =>
    `${error.instancePath || '/'} ${error.message}${error.keyword === 'additionalProperties' ? `: ${String((error.params as { additionalProperty: string }).additionalProperty)}` : ''}`);
}

/** The schema with every object that lists its properties closed to others, unless the CRD keeps unknown fields. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'enum' || key === 'default' || key === 'example' ? value : closed(value)]));
  if (node.properties && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) node.additionalProperties = false;
  return node;
}

function validateBuiltIn(group: string, version: string, resource: Resource): string[] {
  const modulePath = group ? `kubernetes-models/${group}/${version}/${resource.kind}` : `kubernetes-models/${version}/${resource.kind}`;
  let Model: new (data: unknown) => { validate(): void };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Model = (require(modulePath) as Record<string, new (data: unknown) => { validate(): void }>)[resource.kind];
  } catch {
    return [`no schema for ${resource.apiVersion} ${resource.kind}: neither a Kubernetes kind nor a committed operator schema in ${SCHEMA_DIRECTORY}`];
  }
  try {
    new Model(resource).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
