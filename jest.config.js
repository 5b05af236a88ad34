const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });
const transform = { '^.+\\.(ts|js)$': ['ts-jest', { tsconfig: { isolatedModules: true, allowJs: true } }] };
// @fastify/static (Swagger UI at /docs) requires an ESM-only package, which jest must compile to CommonJS.
const transformIgnorePatterns = ['/node_modules/(?!content-disposition/)'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      rootDir: __dirname,
      // test/k8s: the deployment manifests, rendered and validated offline (no engines).
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test/k8s'],
      testRegex: '.*\\.spec\\.ts$',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      moduleFileExtensions: ['js', 'json', 'ts'],
      rootDir: __dirname,
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.e2e-spec\\.ts$',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,

    },
  ],
};
