import { jsonDepth, requestLimitsConfig, TokenBuckets } from './limits';

describe('jsonDepth', () => {
  it('counts nesting of arrays and objects, scalars being 0', () => {
    expect(jsonDepth('text')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ lines: [{ category: 'medical' }] })).toBe(3);
  });

  it('walks a body nested a hundred thousand deep without exhausting the stack', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(jsonDepth(deep, 32)).toBe(33);
    expect(jsonDepth(deep)).toBe(100_000);
  });
});

describe('TokenBuckets', () => {
  it('grants a burst, then one request per refill, with the wait in whole seconds', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1);
    expect(buckets.take('b')).toBe(0);
    now += 500;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1);
    now += 10_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0, 1]);
  });

  it('names the wait for a slow refill', () => {
    const buckets = new TokenBuckets(0.1, 1, () => 0);
    buckets.take('a');
    expect(buckets.take('a')).toBe(10);
  });
});

describe('requestLimitsConfig', () => {
  it('states the defaults: 1 MiB bodies, 32 levels, 50 a second with bursts of 200', () => {
    expect(requestLimitsConfig.parse({})).toEqual({
      REQUEST_BODY_LIMIT_BYTES: 1_048_576,
      REQUEST_JSON_MAX_DEPTH: 32,
      RATE_LIMIT_PER_SECOND: 50,
      RATE_LIMIT_BURST: 200,
    });
  });
});
