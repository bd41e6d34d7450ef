export * from './limits.js';
export * from './checks.js';
export * from './heartbeat-codec.js';
export * from './update-codec.js';
export * from './model-codec.js';
export * from './announcement-codec.js';
