import { findTemporalCli } from '@fund/infra';

/** The workflow tier's global setup: finds (or builds) the Temporal CLI; each test file starts its own dev server with it. */
export default async function globalSetup(): Promise<void> {
  process.env.FUND_TEMPORAL_CLI = await findTemporalCli((line) => process.stderr.write(`[test setup] ${line}\n`));
}
