export * from './common.js';
export * from './auth.js';
export * from './tickets.js';
export * from './org.js';
export * from './monitoring.js';
