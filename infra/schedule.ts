import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { CITY_CODES, CYCLE_TASK_QUEUE, cycleSettingsSchema, MONTHLY_SCHEDULE_ID, WorkflowNames, type CycleClock } from '@fund/shared';

/**
 * Creates or updates the Schedule that starts each month's cycle on day 1 (province time).
 * Overlap policy skip: a month still running is never started twice.
 */
export async function applyMonthlySchedule(
  client: Client,
  options: { clock: CycleClock; taskQueue?: string; scheduleId?: string },
): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? MONTHLY_SCHEDULE_ID;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: WorkflowNames.scheduledCycleStarter,
    taskQueue: options.taskQueue ?? CYCLE_TASK_QUEUE,
    args: [{ clock: options.clock, cityCodes: [...CITY_CODES], settings: cycleSettingsSchema.parse({}) }],
  };
  const spec = {
    calendars: [{ dayOfMonth: 1, hour: 0, minute: 5, comment: 'day 1 of each month, 00:05 province time' }],
    timezone: 'Asia/Shanghai',
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (error) {
    if ((error as Error).name !== 'ScheduleAlreadyRunning') throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies }));
    return 'updated';
  }
}
