import { log, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import { cityByCode, formatYuan, type LateRepaymentInput, type LateRepaymentResult } from '@fund/shared';
import { cycleActivities } from './activity-stubs';

/**
 * Pays again, after a city's month has closed, the returned payments whose bank details were
 * corrected since: the same re-payment the city's cycle makes before its payout deadline, keyed by
 * this workflow's id. A payment returned at the deadline is owed all the same; its money stayed in
 * the city's expenditure account, and a closed cycle can no longer take the operator's request.
 */
export async function lateRepayment({ month, cityCode, settings }: LateRepaymentInput): Promise<LateRepaymentResult> {
  const acts = cycleActivities(settings);
  const city = cityByCode(cityCode);
  const name = `${city ? `${city.nameEn} ${city.nameZh}` : cityCode} (${cityCode}), ${month}`;
  setCurrentDetails(`**${name}**: re-paying returned payments after the month closed`);
  const repay = await acts.repayReturned({ month, cityCode, attempt: 1 });
  const payout = await acts.payoutProgress({ month, cityCode });
  setCurrentDetails(
    `**${name}**: re-paid ${repay.repaid} returned payment(s), ${formatYuan(repay.repaidFen)}; ${repay.stillFailed} still returned`,
  );
  log.info('late re-payment done', {
    month,
    cityCode,
    workflowId: workflowInfo().workflowId,
    repaid: repay.repaid,
    stillFailed: repay.stillFailed,
  });
  return { repay, payout };
}
