export * from './budget';
export * from './collection';
export * from './disbursement';
