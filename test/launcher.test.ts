import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dropDatabase, freePort, ROOT } from '@fund/infra';
import { authHeader } from './harness';
import { readTestEnvironment, TEST_ROLE_PASSWORD, TEST_SECRET } from './environment';

function alive(pid: number): boolean {
  try {
    // A zombie has exited; only its parent has yet to read its status.
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** Processes of `pids` still running after a grace period, with their command lines. */
async function survivors(pids: number[]): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return pids.filter(alive).map((pid) => {
    try {
      return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
    } catch {
      return String(pid);
    }
  });
}

/** Pids of every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone already
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

describe('npm start', () => {
  const environment = readTestEnvironment();
  const database = `fund_test_launcher_${environment.templateDatabase.replace('fund_test_tpl_', '')}`;
  const dataDir = path.join(environment.workDir, 'launcher-data');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = {
      ...process.env,
      DATABASE_URL: environment.adminUrl,
      // The service roles already exist on this server with the tests' password.
      FUND_DB_ROLE_PASSWORD: TEST_ROLE_PASSWORD,
      FUND_DATABASE: database,
      FUND_DATA_DIR: dataDir,
      TEMPORAL_CLI: environment.temporalCli,
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      COLLECTION_PORT: String(await freePort()),
      BUDGET_PORT: String(await freePort()),
      DISBURSEMENT_PORT: String(await freePort()),
      CODEC_PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePort()),
      SDK_METRICS_PORT: String(await freePort()),
      DEMO_BENEFICIARIES: '140',
      LOG_LEVEL: 'warn',
      AUTH_JWT_SECRET: TEST_SECRET,
    };
  });
  afterAll(() => dropDatabase(environment.adminUrl, database));

  async function start(): Promise<{ child: ChildProcess; output: () => string }> {
    const child = spawn(process.execPath, [path.join(ROOT, 'infra/bootstrap.js'), 'start'], { env, cwd: ROOT });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 150_000;
    while (!output.includes('Ctrl-C stops everything')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { child, output: () => output };
  }

  async function interrupt(child: ChildProcess): Promise<number[]> {
    const started = descendants(child.pid!);
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    return started;
  }

  it('brings the stack up with the Web UI and search attributes, stops every process on Ctrl-C, and keeps the data', async () => {
    const first = await start();
    expect(first.output()).toContain(`Temporal Web UI      http://127.0.0.1:${env.TEMPORAL_UI_PORT}`);
    const attributes = await (await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/api/v1/namespaces/default/search-attributes`)).json();
    expect(Object.keys(attributes.customAttributes)).toEqual(
      expect.arrayContaining(['CycleMonth', 'CityCode', 'CycleStage', 'WaitingFor', 'Overdue']),
    );
    const asOperator = async (url: string) => (await fetch(url, { headers: await authHeader('operator') })).json();
    const employers = await asOperator(`http://127.0.0.1:${env.COLLECTION_PORT}/employers?cityCode=620100&limit=5`);
    expect(employers.employers.length).toBe(5);
    const firstIds = employers.employers.map((e: { id: string }) => e.id);
    const countEmployers = async () =>
      (await asOperator(`http://127.0.0.1:${env.COLLECTION_PORT}/employers?cityCode=620100&limit=1000`)).employers.length;
    const firstCount = await countEmployers();

    const processes = await interrupt(first.child);
    expect(processes.length).toBeGreaterThanOrEqual(5); // Temporal, three services, the worker
    expect(await survivors(processes)).toEqual([]);

    const second = await start();
    const again = await asOperator(`http://127.0.0.1:${env.COLLECTION_PORT}/employers?cityCode=620100&limit=5`);
    expect(again.employers.map((e: { id: string }) => e.id)).toEqual(firstIds);
    expect(await countEmployers()).toBe(firstCount); // the same data, not seeded twice
    const remaining = await interrupt(second.child);
    expect(await survivors(remaining)).toEqual([]);
  }, 400_000);
});
