import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { WorkflowNames } from '@fund/shared';
import { applyMonthlySchedule } from '@fund/infra';
import { readTestEnvironment } from './environment';

describe('the monthly schedule', () => {
  it('starts the cycle starter on day 1 in province time, skips overlaps, and applying it again updates it', async () => {
    const connection = await Connection.connect({ address: readTestEnvironment().temporalAddress });
    const client = new Client({ connection });
    const scheduleId = `cycle-monthly-test-${process.pid}`;
    try {
      expect(await applyMonthlySchedule(client, { clock: { kind: 'calendar' }, taskQueue: 'schedule-test', scheduleId })).toBe('created');
      expect(await applyMonthlySchedule(client, { clock: { kind: 'calendar' }, taskQueue: 'schedule-test', scheduleId })).toBe('updated');
      const schedule = await client.schedule.getHandle(scheduleId).describe();
      expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(schedule.spec.timezone).toBe('Asia/Shanghai');
      expect(schedule.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
      expect(schedule.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: WorkflowNames.scheduledCycleStarter,
        taskQueue: 'schedule-test',
      });
      // Next fire is the 1st of a month at 00:05 in UTC+8, i.e. 16:05 UTC the day before.
      const next = schedule.info.nextActionTimes[0]!;
      const local = new Date(next.getTime() + 8 * 3600_000);
      expect([local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([1, 0, 5]);
    } finally {
      await client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
      await connection.close();
    }
  });
});
