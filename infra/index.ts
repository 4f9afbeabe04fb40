// What other packages (the root tests) use of infra; the commands stay behind bootstrap.js.
export { CHROMIUM, ensureChromium } from './chromium';
export { DATA_DIR, ROOT, TOOLS_DIR } from './paths';
export { dropDatabase, provisionDatabase, resolvePostgres, serviceRoles, startEmbeddedPostgres } from './postgres';
export type { AdminConnection, ServiceDatabaseUrls } from './postgres';
export { applyMonthlySchedule } from './schedule';
export { authSecret, payloadKey, PORTS, rolePassword, serviceUrl, spawnTs, waitForHttp } from './stack';
export { BUILT_CLI, findTemporalCli, freePort, portAnswers, startTemporalServer, stopChild, TEMPORAL_CLI_VERSION } from './temporal';
export type { TemporalServer, TemporalServerOptions } from './temporal';
// The CLI's parts, for its tests.
export { COMMANDS } from './commands/cli';
export { parseCommandLine } from './commands/cli/parser';
export { renderFailedPayees } from './commands/cli/payments';
export { progressLine, renderStatus, type CycleView } from './commands/cli/status-view';
export { displayWidth } from './commands/cli/table';
export { closingHint } from './commands/start';
