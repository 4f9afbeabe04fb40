export { createCycleWorker, bundleWorkflows } from './worker';
export { loadWorkerConfig, workerConfigSchema } from './config';
export { createActivities } from './activities';
export { bearer, serviceClient, type HeaderSource, type ServiceClient } from './activities/http';
export { startCodecServer, codecServerConfigSchema, type CodecServerConfig } from './codec-server';
// Patch ids, for the test that replays a history recorded before the patch.
export { RETURNED_PAYEES_PATCH } from './workflows/city-cycle';
