export * from './reads-index';
export * from './plate-grams';
