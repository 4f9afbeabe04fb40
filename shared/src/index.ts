export * from './money';
export * from './cities';
export * from './month';
export * from './errors';
export * from './temporal';
export * from './cycle';
export * from './api';
export * from './random';
