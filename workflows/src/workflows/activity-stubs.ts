import { proxyActivities } from '@temporalio/workflow';
import type { CycleSettings } from '@fund/shared';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

/** Activity stubs with the retry policy the cycle's settings ask for. */
export function cycleActivities(settings: CycleSettings) {
  const retry = {
    initialInterval: settings.retryInitialIntervalMs,
    maximumInterval: settings.retryMaximumIntervalMs,
    backoffCoefficient: 2,
  };
  const quick = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
  const { payCity } = proxyActivities<Activities>({
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: settings.heartbeatTimeoutMs,
    retry,
  });
  // The province's payout gives up when its cities stop waiting for it (they then pay themselves).
  const { payProvince } = proxyActivities<Activities>({
    scheduleToCloseTimeout: Math.max(1_000, settings.provincialPayoutGraceMs ?? 0),
    heartbeatTimeout: settings.heartbeatTimeoutMs,
    retry,
  });
  const long: Record<string, unknown> = { payCity, payProvince };
  // The stubs are Proxies: spreading one copies nothing, so route by name.
  return new Proxy(quick, {
    get: (target, name, receiver) =>
      typeof name === 'string' && Object.hasOwn(long, name) ? long[name] : Reflect.get(target, name, receiver),
  });
}
