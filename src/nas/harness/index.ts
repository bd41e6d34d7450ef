export * from './constants.js';
export * from './types.js';
export * from './local-update.js';
export * from './evaluate-peers.js';
export * from './run.js';
