import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIGURATION_SCHEMA } from '@platekeeper/config';
import { K8S_DIRECTORY, Resource, containersOf, renderKustomization } from './render-kustomization';
import { SCHEMA_DIRECTORY, validateResource } from './validate-resource';

/**
 * deploy/k8s, rendered as `kubectl apply -k deploy/k8s` would and checked offline: every resource against the
 * Kubernetes schema or its operator's CRD schema, and the manifests against each other (the layout the services are
 * configured with is the one the engines are given; every secret and config map they use exists or is documented).
 */
const resources = renderKustomization(K8S_DIRECTORY);
const ofKind = (kind: string) => resources.filter((resource) => resource.kind === kind);
const named = (kind: string, name: string) => {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
};
const spec = (resource: Resource) => resource.spec as Record<string, any>;
const config = named('ConfigMap', 'platekeeper-config').data as Record<string, string>;

/** Secrets the install creates by hand (docs/kubernetes.md), and those the operators create from the resources here. */
const SECRETS_CREATED_AT_INSTALL = ['platekeeper-jwt', 'platekeeper-es-app-user'];
function secretsMadeByOperators(): string[] {
  const kafka = ofKind('Kafka').map((k) => `${k.metadata.name}-cluster-ca-cert`);
  const users = ofKind('KafkaUser').map((u) => u.metadata.name);
  const elastic = ofKind('Elasticsearch').flatMap((e) => [`${e.metadata.name}-es-http-certs-public`, `${e.metadata.name}-es-elastic-user`]);
  const postgres = ofKind('Cluster').flatMap((c) => [`${c.metadata.name}-app`, `${c.metadata.name}-superuser`]);
  return [...kafka, ...users, ...elastic, ...postgres, ...ofKind('Secret').map((s) => s.metadata.name)];
}

describe('deploy/k8s', () => {
  it('renders the operators\' resources and the four services', () => {
    const kinds = new Set(resources.map((resource) => `${resource.apiVersion} ${resource.kind}`));
    for (const expected of [
      'kafka.strimzi.io/v1 Kafka', 'kafka.strimzi.io/v1 KafkaNodePool', 'kafka.strimzi.io/v1 KafkaTopic', 'kafka.strimzi.io/v1 KafkaUser',
      'elasticsearch.k8s.elastic.co/v1 Elasticsearch', 'postgresql.cnpg.io/v1 Cluster', 'keda.sh/v1alpha1 ScaledObject', 'apps/v1 Deployment',
    ]) expect(kinds).toContain(expected);
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(['platekeeper-gateway', 'platekeeper-indexer', 'platekeeper-ingest', 'platekeeper-search']);
    for (const resource of resources) if (resource.kind !== 'Namespace') expect(`${resource.kind} ${resource.metadata.namespace}`).toBe(`${resource.kind} platekeeper`);
  });

  it('validates every resource against the Kubernetes schema or its operator\'s CRD schema', () => {
    const problems = resources.flatMap((resource) => validateResource(resource).map((problem) => `${resource.kind} ${resource.metadata.name}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('catches a misspelt or misplaced field, for built-in and custom resources alike', () => {
    // Positive controls: the validators must refuse what the API server or the operator would.
    const kafka = structuredClone(named('Kafka', 'platekeeper'));
    spec(kafka).kafka.listners = spec(kafka).kafka.listeners;
    expect(validateResource(kafka).join()).toMatch(/listners/);
    const topic = structuredClone(named('KafkaTopic', 'alpr.reads.raw'));
    spec(topic).partitions = 'twelve';
    expect(validateResource(topic).join()).toMatch(/partitions/);
    const elastic = structuredClone(named('Elasticsearch', 'platekeeper'));
    delete spec(elastic).nodeSets[0].name;
    expect(validateResource(elastic).join()).toMatch(/name/);
    const postgres = structuredClone(named('Cluster', 'platekeeper-pg'));
    spec(postgres).instances = -1;
    expect(validateResource(postgres).join()).toMatch(/instances/);
    const scaled = structuredClone(named('ScaledObject', 'platekeeper-ingest'));
    delete spec(scaled).scaleTargetRef;
    expect(validateResource(scaled).join()).toMatch(/scaleTargetRef/);
    const deployment = structuredClone(named('Deployment', 'platekeeper-search'));
    spec(deployment).template.spec.containers[0].image = 42;
    expect(validateResource(deployment).join()).toMatch(/image/);
    expect(validateResource({ apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } }).join()).toMatch(/no schema/);
  });

  it('gives every service probes, resource limits and a non-root, read-only container', () => {
    for (const deployment of ofKind('Deployment')) {
      const pod = spec(deployment).template.spec;
      expect([deployment.metadata.name, pod.securityContext?.runAsNonRoot]).toEqual([deployment.metadata.name, true]);
      for (const container of containersOf(deployment) as Array<Record<string, any>>) {
        const where = `${deployment.metadata.name}/${container.name}`;
        expect([where, Boolean(container.livenessProbe), Boolean(container.readinessProbe)]).toEqual([where, true, true]);
        expect([where, container.readinessProbe.httpGet?.path]).toEqual([where, '/health']);
        expect([where, Boolean(container.resources?.limits?.memory), Boolean(container.resources?.limits?.cpu), Boolean(container.resources?.requests?.cpu)])
          .toEqual([where, true, true, true]);
        expect([where, container.securityContext?.readOnlyRootFilesystem, container.securityContext?.allowPrivilegeEscalation]).toEqual([where, true, false]);
        // The probe's port is the port the service is configured to listen on.
        const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
        const variable = { 'platekeeper-search': 'SEARCH_PORT', 'platekeeper-ingest': 'INGEST_HEALTH_PORT', 'platekeeper-indexer': 'INDEXER_HEALTH_PORT', 'platekeeper-gateway': 'GATEWAY_PORT' }[deployment.metadata.name]!;
        expect([where, String(port)]).toEqual([where, config[variable]]);
      }
    }
  });

  it('configures the services with the layout the engines are given', () => {
    const topics = ofKind('KafkaTopic');
    expect(topics.map((t) => t.metadata.name).sort()).toEqual([config.TOPIC_DLQ, config.TOPIC_ENRICHED, config.TOPIC_RAW].sort());
    for (const topic of topics) {
      expect([topic.metadata.name, spec(topic).partitions, spec(topic).replicas, String(spec(topic).config['min.insync.replicas'])])
        .toEqual([topic.metadata.name, Number(config.TOPIC_PARTITIONS), Number(config.TOPIC_REPLICATION_FACTOR), config.TOPIC_MIN_INSYNC_REPLICAS]);
    }
    const brokers = ofKind('KafkaNodePool').filter((pool) => spec(pool).roles.includes('broker')).reduce((sum, pool) => sum + spec(pool).replicas, 0);
    expect(brokers).toBeGreaterThanOrEqual(Number(config.TOPIC_REPLICATION_FACTOR));
    expect(Number(config.TOPIC_MIN_INSYNC_REPLICAS)).toBeLessThan(Number(config.TOPIC_REPLICATION_FACTOR));
    const kafkaConfig = spec(named('Kafka', 'platekeeper')).kafka.config;
    expect([kafkaConfig['default.replication.factor'], kafkaConfig['min.insync.replicas'], kafkaConfig['auto.create.topics.enable']])
      .toEqual([Number(config.TOPIC_REPLICATION_FACTOR), Number(config.TOPIC_MIN_INSYNC_REPLICAS), false]);
    // Every shard keeps a copy on another node: replicas + 1 copies need that many data nodes.
    const dataNodes = spec(named('Elasticsearch', 'platekeeper')).nodeSets.reduce((sum: number, set: { count: number }) => sum + set.count, 0);
    expect(Number(config.READS_INDEX_REPLICAS)).toBeGreaterThanOrEqual(1);
    expect(dataNodes).toBeGreaterThan(Number(config.READS_INDEX_REPLICAS));
    // Every variable the ConfigMap sets is one the services know (a typo would be silently ignored).
    const known = new Set([...Object.keys(CONFIGURATION_SCHEMA), 'NODE_EXTRA_CA_CERTS']);
    expect(Object.keys(config).filter((name) => !known.has(name))).toEqual([]);
  });

  it('gives each service the Kafka principal whose ACLs fit it, as deploy/kafka/security.sh does', () => {
    const users = new Map(ofKind('KafkaUser').map((user) => [user.metadata.name, spec(user)]));
    const acl = (user: string) => (users.get(user)?.authorization.acls ?? []).map((rule: any) => `${rule.resource.type}:${rule.resource.name}:${[...rule.operations].sort().join('+')}`).sort();
    expect(acl(config.KAFKA_INGEST_USERNAME)).toEqual([
      `group:${config.INGEST_GROUP_ID}:Read`, `topic:${config.TOPIC_DLQ}:Describe+Write`, `topic:${config.TOPIC_ENRICHED}:Describe+Write`, `topic:${config.TOPIC_RAW}:Describe+Read`,
    ].sort());
    expect(acl(config.KAFKA_INDEXER_USERNAME)).toEqual([
      `group:${config.INDEXER_GROUP_ID}:Read`, `topic:${config.TOPIC_DLQ}:Describe+Write`, `topic:${config.TOPIC_ENRICHED}:Describe+Read`,
    ].sort());
    expect(acl(config.KAFKA_CAMERA_USERNAME)).toEqual([`topic:${config.TOPIC_RAW}:Describe+Write`]);
    for (const user of users.values()) expect(user.authentication.type).toBe('scram-sha-512');
    const passwordSecret = (deployment: string, variable: string) =>
      (containersOf(named('Deployment', deployment))[0].env as Array<{ name: string; valueFrom?: any }>).find((e) => e.name === variable)?.valueFrom?.secretKeyRef;
    expect(passwordSecret('platekeeper-ingest', 'KAFKA_INGEST_PASSWORD')).toEqual({ name: config.KAFKA_INGEST_USERNAME, key: 'password' });
    expect(passwordSecret('platekeeper-indexer', 'KAFKA_INDEXER_PASSWORD')).toEqual({ name: config.KAFKA_INDEXER_USERNAME, key: 'password' });
    expect(passwordSecret('platekeeper-gateway', 'KAFKA_CAMERA_PASSWORD')).toEqual({ name: config.KAFKA_CAMERA_USERNAME, key: 'password' });
  });

  it('scales ingest and the indexer on their own consumer group\'s lag, never beyond the partitions', () => {
    for (const [deployment, group, topic] of [
      ['platekeeper-ingest', config.INGEST_GROUP_ID, config.TOPIC_RAW], ['platekeeper-indexer', config.INDEXER_GROUP_ID, config.TOPIC_ENRICHED],
    ]) {
      const scaled = ofKind('ScaledObject').find((s) => spec(s).scaleTargetRef.name === deployment);
      expect(scaled).toBeDefined();
      const trigger = spec(scaled!).triggers[0];
      expect([trigger.type, trigger.metadata.consumerGroup, trigger.metadata.topic, trigger.metadata.bootstrapServers])
        .toEqual(['kafka', group, topic, config.KAFKA_BROKERS]);
      expect(spec(scaled!).maxReplicaCount).toBeLessThanOrEqual(Number(config.TOPIC_PARTITIONS));
      expect(spec(scaled!).minReplicaCount).toBeGreaterThanOrEqual(2);
      named('TriggerAuthentication', trigger.authenticationRef.name);
    }
  });

  it('refers only to secrets and config maps that exist or that the install creates (docs/kubernetes.md)', () => {
    const secrets = new Set([...secretsMadeByOperators(), ...SECRETS_CREATED_AT_INSTALL]);
    const configMaps = new Set(ofKind('ConfigMap').map((c) => c.metadata.name));
    const referenced = JSON.stringify(resources);
    const secretRefs = [...referenced.matchAll(/"secretKeyRef":\{"name":"([^"]+)"/g), ...referenced.matchAll(/"secretName":"([^"]+)"/g)].map((m) => m[1]);
    const triggerSecrets = ofKind('TriggerAuthentication').flatMap((t) => (spec(t).secretTargetRef ?? []).map((ref: { name: string }) => ref.name));
    expect([...secretRefs, ...triggerSecrets].filter((name) => !secrets.has(name))).toEqual([]);
    const configRefs = [...referenced.matchAll(/"configMapRef":\{"name":"([^"]+)"/g)].map((m) => m[1]);
    const triggerConfigs = ofKind('TriggerAuthentication').flatMap((t) => (spec(t).configMapTargetRef ?? []).map((ref: { name: string }) => ref.name));
    expect([...configRefs, ...triggerConfigs].filter((name) => !configMaps.has(name))).toEqual([]);
    const documented = readFileSync(join(K8S_DIRECTORY, '..', '..', 'docs', 'kubernetes.md'), 'utf8');
    for (const secret of SECRETS_CREATED_AT_INSTALL) expect([secret, documented.includes(secret)]).toEqual([secret, true]);
  });

  it('says where every committed operator schema came from', () => {
    const readme = readFileSync(join(SCHEMA_DIRECTORY, 'README.md'), 'utf8');
    for (const file of readdirSync(SCHEMA_DIRECTORY).filter((name) => name.endsWith('.json'))) {
      const { source } = JSON.parse(readFileSync(join(SCHEMA_DIRECTORY, file), 'utf8')) as { source: string };
      expect(source).toMatch(/\d+\.\d+\.\d+/);
      expect([file, readme.includes(file)]).toEqual([file, true]);
    }
  });
});
