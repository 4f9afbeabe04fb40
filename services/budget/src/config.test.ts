import { LATEST_PAYOUT_DAY } from '@fund/shared';
import { loadBudgetConfig } from './config';

describe('budget service configuration', () => {
  it('is a day of the month no later than the early warning allows, refused by name otherwise', () => {
    const env = {
      PORT: '0',
      DATABASE_URL: 'postgres://app@127.0.0.1/fund',
      DATABASE_MIGRATION_URL: 'postgres://owner@127.0.0.1/fund',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      PAYLOAD_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    expect(LATEST_PAYOUT_DAY).toBe(22);
    expect(loadBudgetConfig(env).PAYOUT_DAY).toBeUndefined();
    expect(loadBudgetConfig({ ...env, PAYOUT_DAY: '20' }).PAYOUT_DAY).toBe(20);
    expect(() => loadBudgetConfig({ ...env, PAYOUT_DAY: '23' })).toThrow(/PAYOUT_DAY: must be at most 22, before the payout early warning/);
    expect(() => loadBudgetConfig({ ...env, PAYOUT_DAY: '0' })).toThrow(/PAYOUT_DAY: /);
  });
});
