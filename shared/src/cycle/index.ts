export * from './contracts';
export * from './deadlines';
export * from './messages';
