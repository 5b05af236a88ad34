export * from './config';
export * from './config.module';
export * from './logging';
export * from './development-token';
export * from './scheduled-task';
export * from './backoff';
