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
        'SQL has one owner: apps take the stores, Database and RegistrySnapshots from libs/persistence and never the driver or ORM. ' +
        'Exception this round: the audit chain append/verify (being reworked for group commit) still runs its own SQL.',
      severity: 'error',
      from: { path: '^apps/', pathNot: '^apps/search/src/audit/audit-trail\\.service\\.ts$' },
      to: { path: 'node_modules/(typeorm|pg|@nestjs/typeorm)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
