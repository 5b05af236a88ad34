import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIGURATION_SCHEMA } from './config';
import { CONFIGURATION_REFERENCE_PATH, renderConfigurationReference } from './configuration-reference';

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` generates from the schema today (run it after changing a variable)', () => {
    const committed = readFileSync(resolve(__dirname, '../../..', CONFIGURATION_REFERENCE_PATH), 'utf8');
    expect(committed).toBe(renderConfigurationReference());
  });

  it('describes every variable of the schema', () => {
    const reference = renderConfigurationReference();
    for (const [name, spec] of Object.entries(CONFIGURATION_SCHEMA)) {
      expect(reference).toContain(`| \`${name}\` |`);
      expect({ name, desc: (spec as { desc?: string }).desc ?? '' }).toEqual({ name, desc: expect.stringMatching(/\S/) });
    }
  });
});
