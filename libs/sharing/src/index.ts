export * from './sharing-policy';
export type { GrantingRule } from './sharing-conditions';
export * from './visibility';
export * from './visibility-filter';
export * from './effective-access';
export * from './legal-basis';
export * from './world-snapshot';
export * from './policy-change';
