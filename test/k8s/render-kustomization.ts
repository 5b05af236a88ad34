import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes resource as kustomize emits it. */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * The kustomization fields this renderer applies. Anything else in a kustomization.yaml is refused, so a manifest
 * that starts using a feature this small renderer does not implement fails the suite instead of being validated
 * wrongly. (`kubectl kustomize` is the real thing; this keeps the check offline and dependency-light.)
 */
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'resources', 'images']);

interface Kustomization {
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }>;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
}

/** Kinds that live outside any namespace: kustomize leaves their namespace alone. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterTriggerAuthentication']);

/** Renders a kustomization directory the way `kubectl kustomize` does for the fields in SUPPORTED. */
export function renderKustomization(directory: string): Resource[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => join(directory, name)).find((path) => existsSync(path));
  if (!file) throw new Error(`${directory}: no kustomization.yaml`);
  const kustomization = parseAllDocuments(readFileSync(file, 'utf8'))[0].toJS() as Kustomization & Record<string, unknown>;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${file}: ${unsupported.join(', ')} not supported by this renderer (test/k8s/render-kustomization.ts)`);

  const resources: Resource[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) resources.push(...renderKustomization(path));
    else resources.push(...readResources(path));
  }
  for (const resource of resources) {
    if (kustomization.namespace && !CLUSTER_SCOPED.has(resource.kind)) resource.metadata.namespace = kustomization.namespace;
    for (const label of kustomization.labels ?? []) {
      resource.metadata.labels = { ...resource.metadata.labels, ...label.pairs };
      if (label.includeSelectors || label.includeTemplates) throw new Error(`${file}: labels with includeSelectors/includeTemplates not supported`);
    }
    for (const image of kustomization.images ?? []) replaceImage(resource, image);
  }
  const seen = new Set<string>();
  for (const resource of resources) {
    const id = `${resource.apiVersion} ${resource.kind} ${resource.metadata.namespace ?? ''}/${resource.metadata.name}`;
    if (seen.has(id)) throw new Error(`${directory}: ${id} defined twice`);
    seen.add(id);
  }
  return resources;
}

function readResources(path: string): Resource[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0].message}`);
      return document.toJS() as Resource | null;
    })
    .filter((resource): resource is Resource => resource !== null)
    .map((resource) => {
      if (!resource.apiVersion || !resource.kind || !resource.metadata?.name) throw new Error(`${path}: a document without apiVersion, kind or metadata.name`);
      return resource;
    });
}

/** kustomize's `images`: every container (and init container) whose image is `name`, with or without a tag. */
function replaceImage(resource: Resource, image: NonNullable<Kustomization['images']>[number]): void {
  for (const container of containersOf(resource)) {
    const [name] = String(container.image).split(/[:@]/);
    if (name !== image.name) continue;
    const suffix = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : '';
    container.image = `${image.newName ?? image.name}${suffix}`;
  }
}

/** The containers of a workload's pod template, or of a bare pod spec. */
export function containersOf(resource: Resource): Array<Record<string, unknown> & { name: string; image?: string }> {
  const spec = resource.spec as Record<string, unknown> | undefined;
  const template = spec?.template as { spec?: Record<string, unknown> } | undefined;
  const jobTemplate = spec?.jobTemplate as { spec?: { template?: { spec?: Record<string, unknown> } } } | undefined;
  const podSpec = template?.spec ?? jobTemplate?.spec?.template?.spec;
  if (!podSpec) return [];
  return [...((podSpec.initContainers as never[]) ?? []), ...((podSpec.containers as never[]) ?? [])];
}

export const K8S_DIRECTORY = join(dirname(dirname(__dirname)), 'deploy', 'k8s');
