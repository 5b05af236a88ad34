import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIGURATION_REFERENCE_PATH, renderConfigurationReference } from './configuration-reference';

// `npm run docs:config`: rewrites docs/configuration.md from the configuration schema.
const target = resolve(__dirname, '../../..', CONFIGURATION_REFERENCE_PATH);
writeFileSync(target, renderConfigurationReference());
process.stdout.write(`wrote ${CONFIGURATION_REFERENCE_PATH}\n`);
