export * from './kafka';
export * from './dead-letter';
export * from './consumer-health';
export * from './produce-in-chunks';
export * from './batch-consumer';
export * from './every-partition-producer';
