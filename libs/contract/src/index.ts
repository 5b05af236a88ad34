export * from './plate';
export * from './topics';
export * from './raw-read';
export * from './enriched-read';
export * from './sensitive-places';
