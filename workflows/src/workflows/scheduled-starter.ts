import { startChild, ParentClosePolicy, WorkflowIdReusePolicy, log, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  computeDeadlines,
  cycleWorkflowId,
  monthOf,
  SearchAttributes,
  type CycleClock,
  type CycleSettings,
  type MonthlyCycleInput,
} from '@fund/shared';
import { monthlyCycle } from './monthly-cycle';

export interface ScheduledStarterInput {
  clock: CycleClock;
  cityCodes: string[];
  settings: CycleSettings;
}

/**
 * Started by the monthly Schedule on day 1: starts `cycle:<month>` for the month the schedule
 * fired in. A month already started (by an agency over HTTP) is an answer, not a failure.
 */
export async function scheduledCycleStarter(input: ScheduledStarterInput): Promise<{ month: string; started: boolean }> {
  const startedAt = new Date(workflowInfo().startTime.getTime());
  const month = monthOf(startedAt);
  const cycleInput: MonthlyCycleInput = {
    schemaVersion: 1,
    month,
    deadlines: computeDeadlines(month, startedAt, input.clock),
    cityCodes: input.cityCodes,
    settings: input.settings,
  };
  try {
    await startChild(monthlyCycle, {
      workflowId: cycleWorkflowId(month),
      args: [cycleInput],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: SearchAttributes.CycleMonth, value: month }],
    });
    return { month, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      log.info('cycle already started for this month', { month });
      return { month, started: false };
    }
    throw error;
  }
}
