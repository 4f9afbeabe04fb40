export * from './arithmetic';
export * from './standards';
export * from './compute';
