export * from './types.js';
export * from './codec.js';
export * from './config-hash.js';
export * from './crc32.js';
export * from './file.js';
export * from './model-io.js';
