// The base of the contracts: what both the service APIs (api/) and the cycle (cycle/) speak of.
export * from './roles';
export * from './plan';
export * from './payout';
