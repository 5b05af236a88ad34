export * from './reads-index';
export * from './plate-grams';
export * from './elastic-availability';
