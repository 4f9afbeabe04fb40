import { condition, log, patched, setHandler } from '@temporalio/workflow';
import {
  DEFAULT_PAYOUT_WARNING_LEAD_DAYS,
  provincialPayoutSignal,
  repayReturnedUpdate,
  returnedPaymentsQuery,
  type PayoutProgress,
  type PlanLine,
} from '@fund/shared';
import { validateRepay } from '../decisions';
import type { CityMonth } from './city-month';
import { decide } from './reviews';
import type { Step } from './operator';

/**
 * The one documented example of changing a running workflow (docs/architecture.md): after the
 * payout and after each re-payment the city keeps the list of payees whose payments were
 * returned (query `returnedPayments`). A history recorded before the change replays without it;
 * test/replay.test.ts replays such a history from workflows/src/workflows/__fixtures__/.
 */
export const RETURNED_PAYEES_PATCH = 'returned-payees-for-operators';

/**
 * Stage 6: prepares the run, then pays it on the province's payout day (by the province's task)
 * or by the city itself, then waits for returned payments to be repaired until the deadline.
 * Either way each batch is keyed by the city's workflow and batch number, so one paid by the
 * province is replayed, never paid again, by the city.
 */
export async function payoutStage(m: CityMonth, step: Step, approvedLines: PlanLine[]): Promise<void> {
  m.enter('payout', 'disbursement');
  await step('payout', 'preparePayout', () => m.acts.preparePayout({ ...m.key, approvedLines, dueDate: m.deadlines.payout }));
  const fromProvince = await awaitPayoutDay(m);
  m.status.payout = fromProvince ?? (await step('payout', 'payCity', () => payItself(m)));
  if (m.status.payout.failed > 0 && patched(RETURNED_PAYEES_PATCH)) await listReturned(m);
  m.publish();
  if (m.status.payout.failed > 0) await awaitRepairs(m);
  m.payoutComplete = true;
}

/**
 * A city prepared before the payout day waits for it and for the province's word, a grace past
 * the day's start at most; answers the progress when the province paid it, else null.
 */
async function awaitPayoutDay(m: CityMonth): Promise<PayoutProgress | null> {
  const { payoutDay, provincialPayoutGraceMs } = m.settings;
  if (payoutDay === undefined) return null;
  const wait = Date.parse(payoutDay) - Date.now();
  if (wait <= 0) return null;
  m.wait('payout_day');
  await condition(() => m.provincial !== null, wait + (provincialPayoutGraceMs ?? 0));
  m.wait('disbursement');
  const word = m.provincial;
  if (word?.outcome === 'paid') return word.progress;
  if (word?.outcome === 'failed') log.warn("the province's payout did not pay this city; it pays itself", { ...m.key, error: word.error });
  return null;
}

/** The city pays itself: one heartbeating activity; a killed worker resumes from its checkpoint. */
function payItself(m: CityMonth): Promise<PayoutProgress> {
  return m.withDeadline('payout', m.acts.payCity({ ...m.key, batchSize: m.settings.payoutBatchSize }));
}

/** Returned payments wait for corrected bank details and a repay request until the payout deadline. */
async function awaitRepairs(m: CityMonth): Promise<void> {
  m.wait('city_agency');
  const remaining = Date.parse(m.deadlines.payout) - Date.now();
  if (remaining > 0) await condition(() => (m.status.payout?.failed ?? 0) === 0 && !m.deciding, remaining);
  await condition(() => !m.deciding);
}

/** Fetches the returned payees still unpaid for the operator's list; its failure must not stop the payout. */
async function listReturned(m: CityMonth): Promise<void> {
  try {
    m.returned = (m.status.payout?.failed ?? 0) > 0 ? await m.acts.returnedPayees(m.key) : null;
  } catch (error) {
    log.warn('could not list the returned payees', { ...m.key, error: (error as Error).message });
    m.returned = null;
  }
}

/** The province's word on its payout day, the returned payees' list, and the repay Update. */
export function registerPayoutHandlers(m: CityMonth): void {
  setHandler(provincialPayoutSignal, (outcome) => {
    m.provincial = outcome;
  });
  setHandler(returnedPaymentsQuery, () => m.returned);
  let repayRequests = 0;
  setHandler(
    repayReturnedUpdate,
    (args) =>
      decide(m, async () => {
        void args;
        repayRequests += 1;
        await m.acts.repayReturned({ ...m.key, attempt: repayRequests });
        m.status.payout = await m.acts.payoutProgress(m.key);
        if (patched(RETURNED_PAYEES_PATCH)) await listReturned(m);
        m.publish();
      }),
    { validator: (args) => validateRepay(m.status, m.deciding, args) },
  );
}

/** The early warning: a timer before the payout deadline; a payout not complete by then raises it. */
export async function watchPayoutDeadline(m: CityMonth): Promise<void> {
  const lead = m.settings.payoutWarningLeadMs ?? DEFAULT_PAYOUT_WARNING_LEAD_DAYS * 86_400_000;
  const remaining = Date.parse(m.deadlines.payout) - lead - Date.now();
  if (remaining > 0 && (await condition(() => m.payoutComplete, remaining))) return;
  if (m.payoutComplete) return;
  m.status.payoutAtRisk = true;
  m.publish();
  try {
    await m.acts.warnPayoutAtRisk({ ...m.key, stage: m.status.stage, deadline: m.deadlines.payout, waitingFor: m.status.waitingFor });
  } catch (error) {
    log.warn('could not send the payout early warning', { ...m.key, error: (error as Error).message });
  }
}
