#!/usr/bin/env node
// Extracts the served schema of each custom resource from operator CRD files into one JSON file per kind,
// so the suite can validate deploy/k8s offline (no cluster, no network). Regenerate when an operator is upgraded:
//
//   node deploy/k8s/schemas/extract-crd-schemas.js <source label> <crd.yaml>...
//
// e.g. the source label "strimzi-kafka-operator 1.2.0 install/cluster-operator". README.md beside this file lists
// where each committed schema came from.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseAllDocuments } = require('yaml');

const [source, ...files] = process.argv.slice(2);
if (!source || files.length === 0) {
  console.error('usage: extract-crd-schemas.js <source label> <crd.yaml>...');
  process.exit(2);
}
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = document.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const { group, names } = crd.spec;
    // The version the operator stores is the one manifests should be written against.
    const version = crd.spec.versions.find((candidate) => candidate.storage) ?? crd.spec.versions[0];
    const out = {
      apiVersion: `${group}/${version.name}`,
      kind: names.kind,
      source,
      schema: version.schema.openAPIV3Schema,
    };
    const name = `${group}_${version.name}_${names.kind}.json`;
    writeFileSync(join(__dirname, name), `${JSON.stringify(out)}\n`);
    console.log(`${name} (${out.apiVersion} ${out.kind})`);
  }
}
