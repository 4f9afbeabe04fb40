export { createCycleWorker, bundleWorkflows } from './worker';
export { loadWorkerConfig, workerConfigSchema } from './config';
export { createActivities } from './activities';
export { bearer, serviceClient, type HeaderSource, type ServiceClient } from './activities/http';
export { startCodecServer, codecServerConfigSchema, type CodecServerConfig } from './codec-server';
