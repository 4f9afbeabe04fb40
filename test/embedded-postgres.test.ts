import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@fund/infra';
import { readTestEnvironment } from './environment';

const run = promisify(execFile);

describe('the embedded PostgreSQL fallback', () => {
  it('initialises a real server, provisions the service schemas, and keeps its data across a restart', async () => {
    const dir = path.join(readTestEnvironment().workDir, 'embedded-postgres');
    const port = String(await freePort());
    const script = path.join(__dirname, 'fixtures', 'embedded-roundtrip.ts');
    const roundtrip = async (phase: 'write' | 'read') =>
      JSON.parse((await run(process.execPath, ['--require', require.resolve('tsx/cjs'), script, dir, port, phase])).stdout);

    expect(await roundtrip('write')).toEqual([{ note: 'still here' }]);
    expect(fs.existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    expect(await roundtrip('read')).toEqual([{ note: 'still here' }]);
  }, 120_000);
});
