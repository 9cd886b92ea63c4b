export * from './errors.js';
export * from './schema.js';
export * from './cloudapi/envelope.js';
export * from './cloudapi/actions.js';
