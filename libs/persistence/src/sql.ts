import type { EntityManager } from 'typeorm';

/**
 * An open transaction. Hand it to a store's write and to the audit trail's append, and the change and its
 * record commit or roll back together. Apps see it only as this type (they never import the ORM).
 */
export type Transaction = EntityManager;

/** Anything that runs SQL: the data source (own statement) or an open transaction. */
export type SqlRunner = Pick<EntityManager, 'query'>;
