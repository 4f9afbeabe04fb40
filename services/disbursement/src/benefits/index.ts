export * from './arithmetic';
export * from './standards';
export * from './facts';
export * from './compute';
