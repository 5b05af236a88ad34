export * from './reads-index';
export * from './elastic-availability';
