export * from './create-db.js';
export * from './ids.js';
export * as schema from './schema.js';
export * from './org-repository.js';
export * from './tickets-repository.js';
export * from './users-repository.js';
export * from './idempotency-repository.js';
export * from './uploads-repository.js';
