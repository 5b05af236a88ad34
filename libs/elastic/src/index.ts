export * from './reads-index';
