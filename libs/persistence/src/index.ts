export * from './entities';
export * from './data-source';
export * from './rows';
export * from './camera-key-store';
