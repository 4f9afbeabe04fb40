import { CITY_CODES, type CityStatus, type HumanRole } from '@fund/shared';
import { issueToken } from '@fund/shared/server';

/** Calls the budget service's cycle API as a person in `role`, with a token of its own. */
export type BudgetCall = <T>(
  method: string,
  urlPath: string,
  role: HumanRole,
  body?: unknown,
  user?: { userId?: string; cityCode?: string },
) => Promise<{ status: number; body: T }>;

/** A caller of the budget service at `budgetUrl`, signing tokens with `secret`. */
export function budgetCaller(budgetUrl: string, secret: string): BudgetCall {
  return async <T>(method: string, urlPath: string, role: HumanRole, body?: unknown, user: { userId?: string; cityCode?: string } = {}) => {
    const token = await issueToken(secret, {
      userId: user.userId ?? `bench-${role}`,
      role,
      ...(user.cityCode ? { cityCode: user.cityCode } : {}),
    });
    const res = await fetch(`${budgetUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
}

/**
 * Starts the month's cycle and has every city agency and both reviewers approve as soon as asked.
 * Each city is driven on its own, one decision at a time: the same history whatever the register
 * size. Finance approves only when every city waits for it, so the cities' payouts run together,
 * as on a payout day, and the stage is timed as one.
 */
export async function driveCycle(call: BudgetCall, month: string, log: (line: string) => void): Promise<void> {
  const started = await call('POST', '/cycles', 'provincial_agency', { month });
  if (started.status !== 201) throw new Error(`could not start the ${month} cycle: ${JSON.stringify(started.body)}`);
  log(`cycle ${month} started; every city agency and both reviewers approve as soon as asked`);

  const cityStatus = async (city: string) =>
    (await call<{ cities: CityStatus[] }>('GET', `/cycles/${month}`, 'operator')).body.cities.find((c) => c.cityCode === city);
  let waitingForFinance = 0;
  const drive = async (city: string) => {
    for (const step of ['plan', 'hrss_review', 'finance_review'] as const) {
      if (step === 'finance_review') {
        waitingForFinance += 1;
        while (waitingForFinance < CITY_CODES.length) await new Promise((r) => setTimeout(r, 50));
      }
      let status = await cityStatus(city);
      while (status?.stage !== step || (step === 'plan' && !status.draft)) {
        await new Promise((r) => setTimeout(r, 100));
        status = await cityStatus(city);
      }
      const base = `/cycles/${month}/cities/${city}`;
      const answer =
        step === 'plan'
          ? await call('POST', `${base}/plan`, 'city_agency', { lines: status.draft }, { userId: `agency-${city}`, cityCode: city })
          : step === 'hrss_review'
            ? await call(
                'POST',
                `${base}/hrss-decision`,
                'hrss_reviewer',
                { planVersion: status.plan!.version, decision: 'approve' },
                { userId: 'hrss-1' },
              )
            : await call(
                'POST',
                `${base}/finance-decision`,
                'finance_reviewer',
                { planVersion: status.plan!.version, decision: 'approve' },
                { userId: 'finance-1' },
              );
      if (answer.status !== 200) throw new Error(`${city} ${step}: ${JSON.stringify(answer.body)}`);
    }
  };
  await Promise.all(CITY_CODES.map(drive));
}
