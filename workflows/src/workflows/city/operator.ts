import { ActivityFailure, isCancellation, log, setHandler } from '@temporalio/workflow';
import { closeCityUpdate, retryStepUpdate, type CloseCityArgs, type RetryStepArgs, type Stage } from '@fund/shared';
import { validateCloseCity, validateRetryStep } from '../decisions';
import type { CityMonth } from './city-month';
import { decide } from './reviews';

/** Runs a step; one that fails for good waits for an operator (see `stepRunner`). */
export type Step = <T>(stage: Stage, name: string, work: (attempt: number) => Promise<T>) => Promise<T>;

/** An operator closed the city's month at a failed step: the city gives back what it holds and closes. */
export class ClosedByOperator extends Error {
  constructor(
    readonly stage: Stage,
    readonly step: string,
    readonly failure: string,
    readonly reason: string,
    readonly userId: string,
  ) {
    super(`closed by ${userId} at ${stage} (${step}): ${reason}`);
    this.name = 'ClosedByOperator';
  }
}

/**
 * A step that fails for good (a business refusal, or a timeout that ran out) stops the city at
 * its stage, visibly: `WaitingFor = operator`, the error in its details and status. Its siblings
 * go on. The operator retries the step (after fixing its cause) or closes the city with a reason;
 * a step compensates its own failed attempt before it fails. A cancellation is never caught.
 */
export function stepRunner(m: CityMonth): Step {
  return async (stage, name, work) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(attempt);
      } catch (error) {
        if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
        await awaitOperator(m, stage, name, m.noteFailure(error), attempt);
      }
    }
  };
}

async function awaitOperator(m: CityMonth, stage: Stage, step: string, error: string, attempt: number): Promise<void> {
  log.error('a step failed for good; the city waits for an operator', { ...m.key, stage, step, error, attempt });
  m.status.failure = { stage, step, error, attempt, at: new Date(Date.now()).toISOString() };
  m.operatorDecision = null;
  const waitingBefore = m.status.waitingFor;
  m.wait('operator');
  await m.untilDone(stage, () => m.operatorDecision !== null && !m.deciding);
  const made = m.operatorDecision!;
  m.status.failure = null;
  if (made.action === 'close') throw new ClosedByOperator(stage, step, error, made.reason ?? '', made.userId);
  m.status.lastError = null;
  m.wait(waitingBefore);
}

/** The operator's two decisions on a failed step, as Updates; the cycle API audits both. */
export function registerOperatorUpdates(m: CityMonth): void {
  setHandler(
    retryStepUpdate,
    (args: RetryStepArgs) => decide(m, async () => operatorDecides(m, 'retry', args.actor, args.reason ?? null)),
    {
      validator: (args) => validateRetryStep(m.status, m.deciding, args),
    },
  );
  setHandler(closeCityUpdate, (args: CloseCityArgs) => decide(m, async () => operatorDecides(m, 'close', args.actor, args.reason)), {
    validator: (args) => validateCloseCity(m.status, m.deciding, args),
  });
}

function operatorDecides(m: CityMonth, action: 'retry' | 'close', actor: { userId: string; role: string }, reason: string | null): void {
  const failure = m.status.failure!;
  m.status.operatorDecisions.push({
    action,
    stage: failure.stage,
    step: failure.step,
    userId: actor.userId,
    role: actor.role,
    reason,
    at: new Date(Date.now()).toISOString(),
  });
  m.operatorDecision = { action, userId: actor.userId, reason };
}
