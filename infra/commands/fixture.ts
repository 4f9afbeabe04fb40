import { recordFixture } from '@fund/workflows/testing';
import { findTemporalCli } from '../temporal';

/** `npm run fixture:record`: records the replay test's history before a change to a running workflow. */
export async function runFixture(): Promise<number> {
  const file = await recordFixture(await findTemporalCli((line) => process.stderr.write(`[fund] ${line}\n`)));
  process.stdout.write(`recorded ${file}\n`);
  return 0;
}
