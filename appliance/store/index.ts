export * from './config/index.js';
export * from './records/index.js';
