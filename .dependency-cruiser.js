/** The house rules of STYLE.md, checked by a tool instead of by memory (`npm run lint:layers`). */
module.exports = {
  forbidden: [
    {
      name: 'lib-never-imports-an-app',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'app-never-imports-another-app',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'sharing-rule-stays-pure',
      comment: 'the visibility rule is pure code: no I/O clients, no framework',
      severity: 'error',
      from: { path: '^libs/sharing/' },
      to: { path: 'node_modules/(@elastic|kafkajs|pg|typeorm|@nestjs)' },
    },
    {
      name: 'apps-reach-the-database-through-persistence',
      comment:
        'SQL has one owner: apps take the stores, Database and RegistrySnapshots from libs/persistence and never the driver or ORM.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: 'node_modules/(typeorm|pg|@nestjs/typeorm)/' },
    },
    {
      name: 'read-contract-stays-at-the-bottom',
      comment: 'the read document and its rules are defined once, in libs/contract, which depends on no other lib and no engine',
      severity: 'error',
      from: { path: '^libs/contract/' },
      to: { path: ['^libs/(?!contract/)', '^apps/', 'node_modules/(@elastic|kafkajs|pg|typeorm|@nestjs)'] },
    },
    {
      name: 'configuration-validated-in-one-place',
      comment: 'only libs/config reads and validates the environment (envalid); apps get the loaded config injected',
      severity: 'error',
      from: { pathNot: '^libs/config/' },
      to: { path: 'node_modules/envalid' },
    },
    {
      name: 'consumer-lifecycle-in-libs-kafka',
      comment: 'ingest and indexer run their consumers through libs/kafka (BatchConsumer); they use kafkajs for types only',
      severity: 'error',
      from: { path: '^apps/(ingest|indexer)/' },
      to: { path: 'node_modules/kafkajs', dependencyTypesNot: ['type-only', 'pre-compilation-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
