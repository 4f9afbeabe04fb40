export * from './contracts';
export * from './deadlines';
export * from './messages';
export * from './operator';
