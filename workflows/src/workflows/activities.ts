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
  // The stubs are Proxies: spreading one copies nothing, so route by name.
  return new Proxy(quick, { get: (target, name, receiver) => (name === 'payCity' ? payCity : Reflect.get(target, name, receiver)) });
}
