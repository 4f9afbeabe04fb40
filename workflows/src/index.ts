export { createCycleWorker, bundleWorkflows } from './worker';
export { loadWorkerConfig, workerConfigSchema } from './config';
export { createActivities } from './activities';
