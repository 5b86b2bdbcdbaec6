export * from './model.js';
export * from './time-limits.js';
export * from './ticket-machine.js';
export * from './routing.js';
export * from './escalation.js';
export * from './notifications.js';
export * from './distribution.js';
export * from './queue-order.js';
