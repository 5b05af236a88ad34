import { CONFIGURATION_SCHEMA } from './config';

/** The committed reference; `npm run docs:config` rewrites it, and a unit test fails when it is out of date. */
export const CONFIGURATION_REFERENCE_PATH = 'docs/configuration.md';

interface VariableSpec {
  default?: unknown;
  devDefault?: unknown;
  desc?: string;
  choices?: readonly unknown[];
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shown = (value: unknown) => (value === '' ? '(empty)' : `\`${String(value)}\``);

/** docs/configuration.md, from the envalid schema itself: every variable, its default and its description. */
export function renderConfigurationReference(): string {
  const rows = Object.entries(CONFIGURATION_SCHEMA as Record<string, VariableSpec>).map(([name, spec]) => {
    const defaults = [
      spec.default === undefined ? 'required' : shown(spec.default),
      ...(spec.devDefault !== undefined ? ['outside production: a published development value'] : []),
    ].join('; ');
    const choices = spec.choices ? `one of ${spec.choices.map((choice) => `\`${String(choice)}\``).join(', ')}` : '';
    const description = [spec.desc ?? '', choices].filter(Boolean).join('; ');
    return `| \`${name}\` | ${cell(defaults)} | ${cell(description)} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from libs/config/src/config.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    'Every service reads these environment variables once, at start, and refuses to start with a bad value,',
    'naming the variable. `NODE_ENV=production` also refuses published secrets and unauthenticated Kafka.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
