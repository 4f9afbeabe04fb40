import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CITIES, type CityStatus, type FailedPayee, type Stage } from '@fund/shared';
import {
  closingHint,
  COMMANDS,
  displayWidth,
  parseCommandLine,
  progressLine,
  renderFailedPayees,
  renderStatus,
  ROOT,
  type CycleView,
} from '@fund/infra';

const SECRET = 'cli-test-secret-of-at-least-32-characters';

/** Runs `npm run cli -- <args>` with the services pointed at `serviceUrl`. */
function cli(args: string[], serviceUrl = 'http://127.0.0.1:9'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'infra/bootstrap.js'), 'cli', ...args], {
      cwd: ROOT,
      env: { ...process.env, BUDGET_URL: serviceUrl, DISBURSEMENT_URL: serviceUrl, AUTH_JWT_SECRET: SECRET },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stand-in budget service that answers `GET /cycles/:month` with `view` and counts every request. */
async function budgetStandIn(view: CycleView): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const found = req.method === 'GET' && req.url === `/cycles/${view.month}`;
    res
      .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(found ? view : { error: { message: 'no such cycle' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function city(code: string, stage: Stage, extra: Partial<CityStatus> = {}): CityStatus {
  return {
    month: '2026-11',
    cityCode: code,
    stage,
    waitingFor: stage === 'closed' ? 'nobody' : 'city_agency',
    overdue: false,
    overdueStages: [],
    deadline: null,
    draft: null,
    plan: null,
    remainingBudgetFen: null,
    transferredFen: null,
    allocatedFen: null,
    payout: null,
    decisions: [],
    reconciliation: null,
    lastError: null,
    failure: null,
    operatorDecisions: [],
    closure: null,
    ...extra,
  };
}

const payout = { total: 120, paid: 60, failed: 3, held: 0, deferred: 0, pending: 57, paidFen: '1200000', failedFen: '6000' };

/** Every city of the province, at various stages, with money and payout on some. */
const VIEW: CycleView = {
  month: '2026-11',
  status: 'running',
  reconciliation: null,
  cities: CITIES.map((c, i) =>
    city(
      c.code,
      i % 3 === 0 ? 'closed' : i % 3 === 1 ? 'payout' : 'plan',
      i % 2 === 0 ? { transferredFen: '123456789', allocatedFen: '98765', payout } : {},
    ),
  ),
};

/** The display column each cell of a table row starts at, finding the cells left to right. */
function cellStarts(line: string, cells: readonly string[]): number[] {
  let from = 0;
  return cells.map((cell) => {
    const at = line.indexOf(cell, from);
    if (at < 0) throw new Error(`${cell} not found in ${line}`);
    from = at + cell.length;
    return displayWidth(line.slice(0, at));
  });
}

describe('the CLI', () => {
  it('prints the usage of the CLI, a group and a command on --help, and exits 0', async () => {
    const [top, group, command] = await Promise.all([cli(['--help']), cli(['cycle', '--help']), cli(['cycle', 'status', '--help'])]);
    expect(top).toMatchObject({ code: 0, stderr: '' });
    for (const line of [
      'cycle start <month>',
      'cycle review-demo <month> [--wait-ms <ms>] [--json]',
      'payments failed <month> <city> [--json]',
      'beneficiary fix-bank <id> <account> <bank...>',
      'schedule apply',
      'token issue --role <role> --user <id> [--city <code>] [--json]',
      'audit verify [--json]',
    ]) {
      expect(top.stdout).toContain(line);
    }
    expect(group).toMatchObject({ code: 0, stderr: '' });
    expect(group.stdout).toContain('cycle repay <month> <city> [--json]');
    expect(group.stdout).not.toContain('audit verify');
    expect(command).toMatchObject({ code: 0, stderr: '' });
    expect(command.stdout).toMatch(/^usage: npm run cli -- cycle status <month> \[--json\]\n/);
    expect(command.stdout).toContain('<month>  the cycle month, YYYY-MM');
    expect(parseCommandLine(COMMANDS, ['help', 'cycle', 'status'])).toEqual({ kind: 'help', text: command.stdout });
  });

  it('exits 2 on an unknown command or option, naming it over the usage of the nearest group or command', async () => {
    const [unknownCommand, unknownOption] = await Promise.all([
      cli(['cycle', 'stat', '2026-11']),
      cli(['cycle', 'status', '2026-11', '--jsn']),
    ]);
    expect(unknownCommand).toMatchObject({ code: 2, stdout: '' });
    expect(unknownCommand.stderr).toMatch(/^error: unknown command 'cycle stat'\n\nusage: npm run cli -- cycle <command>/);
    expect(unknownOption).toMatchObject({ code: 2, stdout: '' });
    expect(unknownOption.stderr).toMatch(
      /^error: cycle status: unknown option --jsn\n\nusage: npm run cli -- cycle status <month> \[--json\]/,
    );

    const usageError = (argv: string[]) => {
      const parsed = parseCommandLine(COMMANDS, argv);
      return parsed.kind === 'error' ? parsed.message : parsed.kind;
    };
    expect(usageError([])).toBe('name a command');
    expect(usageError(['status', '2026-11'])).toBe("unknown command 'status' (did you mean 'cycle status'?)");
    expect(usageError(['cycle'])).toBe("'cycle' needs a command: start, status, review-demo, repay, retry, close, payout-day");
    expect(usageError(['cycle', 'repay', '2026-11'])).toBe("cycle repay: missing <city>: the city's division code (620100 for 兰州市)");
    expect(usageError(['cycle', 'repay', '2026-11', '999999'])).toBe(
      "cycle repay: <city> must be one of the province's 14 division codes (got 999999)",
    );
    expect(usageError(['cycle', 'status', '2026-11', 'extra'])).toBe('cycle status: unexpected argument extra');
    expect(usageError(['cycle', 'review-demo', '2026-11', '--wait-ms', 'soon'])).toBe(
      'cycle review-demo: --wait-ms must be a whole number of milliseconds (got soon)',
    );
    expect(usageError(['token', 'issue', '--role', 'city_agency', '--user', 'li'])).toBe(
      'token issue: --city must name the division code of a city_agency token',
    );
    expect(usageError(['token', 'issue', '--user'])).toBe('token issue: --user needs a value <id>');
    expect(usageError(['beneficiary', 'fix-bank', 'x', '6222', '中国银行'])).toBe(
      'beneficiary fix-bank: <id> must be the beneficiary id, a number from `payments failed` (got x)',
    );
    expect(parseCommandLine(COMMANDS, ['beneficiary', 'fix-bank', '42', '6222', 'Bank', 'of', 'Lanzhou'])).toMatchObject({
      kind: 'run',
      input: { id: '42', account: '6222', bank: 'Bank of Lanzhou', json: false },
    });
  });

  it('refuses a bad month naming the argument and the rule, before any call to the service', async () => {
    const standIn = await budgetStandIn(VIEW);
    try {
      const refused = await cli(['cycle', 'status', '2026-13'], standIn.url);
      expect(refused).toMatchObject({ code: 2, stdout: '' });
      expect(refused.stderr).toMatch(/^error: cycle status: <month> must be a month written YYYY-MM \(got 2026-13\)\n/);
      expect(standIn.requests).toEqual([]);

      const [json, table] = await Promise.all([
        cli(['cycle', 'status', '2026-11', '--json'], standIn.url),
        cli(['cycle', 'status', '2026-11'], standIn.url),
      ]);
      expect(json).toMatchObject({ code: 0, stderr: '' });
      const document = JSON.parse(json.stdout) as { month: string; status: string; cities: { code: string }[] };
      expect(document).toMatchObject({ month: '2026-11', status: 'running' });
      expect(document.cities.map((c) => c.code)).toEqual(CITIES.map((c) => c.code));
      expect(table).toMatchObject({ code: 0, stdout: renderStatus(VIEW), stderr: '' });
      expect(standIn.requests).toEqual(['GET /cycles/2026-11', 'GET /cycles/2026-11']);
    } finally {
      await standIn.close();
    }
  });

  it('prints a token as one JSON document with --json, without any service', async () => {
    const issued = await cli(['token', 'issue', '--role', 'city_agency', '--user', 'li', '--city', '620100', '--json']);
    expect(issued).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(issued.stdout)).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      role: 'city_agency',
      user: 'li',
      city: '620100',
    });
  });

  it('lines the status table up by display width, Chinese names and ASCII alike', () => {
    const lines = renderStatus(VIEW).split('\n');
    expect(lines[0]).toBe('cycle 2026-11: running');
    const header = ['city', 'name', 'name (en)', 'stage', 'waiting for', 'overdue', 'transferred', 'planned', 'allocated', 'payout'];
    const starts = cellStarts(lines[1]!, header);
    CITIES.forEach((c, i) => {
      const line = lines[3 + i]!;
      expect(line.startsWith(`${c.code}  ${c.nameZh}`)).toBe(true);
      const cells = [c.code, c.nameZh, c.nameEn.slice(0, 5), VIEW.cities[i]!.stage, VIEW.cities[i]!.waitingFor];
      expect(cellStarts(line, cells)).toEqual(starts.slice(0, cells.length));
      if (VIEW.cities[i]!.transferredFen) expect(cellStarts(line, ['¥1,234,567.89'])).toEqual([starts[6]]);
    });
    // The long English names are cut to fit; the Chinese ones are whole.
    expect(lines.find((l) => l.startsWith('622900'))).toContain('临夏回族自治州  Linxia Hui...  ');
  });

  it('lines up the returned payments table with Chinese beneficiary and bank names', () => {
    const payee = (id: string, name: string, bankName: string): FailedPayee => ({
      beneficiaryId: id,
      name,
      bankAccount: '6222****1234',
      bankName,
      bankStatus: 'rejected',
      failedFen: '250000',
      payments: [
        {
          paymentId: '1',
          entitlementId: '1',
          type: 'pension',
          amountFen: '250000',
          attempt: 1,
          failedAt: '2026-11-20T00:00:00Z',
          reason: 'account closed',
          repaid: false,
        },
      ],
    });
    const lines = renderFailedPayees('2026-11', '620100', [
      payee('7', '欧阳娜娜', '中国工商银行'),
      payee('12', 'Li Wei', 'Bank of Lanzhou'),
    ]).split('\n');
    const starts = cellStarts(lines[1]!, ['beneficiary', 'name', 'account', 'bank', 'details']);
    expect(cellStarts(lines[3]!, ['7', '欧阳娜娜', '6222****1234', '中国工商银行', 'rejected'])).toEqual(starts);
    expect(cellStarts(lines[4]!, ['12', 'Li Wei', '6222****1234', 'Bank of Lanzhou', 'rejected'])).toEqual(starts);
  });

  it("says how far a running month has got, for review-demo's progress lines", () => {
    expect(progressLine(VIEW)).toBe('waiting: 5 of 14 cities closed; at plan 4, payout 5');
  });

  it("names the province's current month in npm start's closing hint", () => {
    // 16:30 UTC on the last day of November is already December in the province (UTC+8).
    expect(closingHint(new Date('2027-11-30T16:30:00Z'))).toBe(
      'try: npm run cli -- cycle start 2027-12 && npm run cli -- cycle review-demo 2027-12',
    );
    expect(closingHint(new Date('2027-11-30T15:30:00Z'))).toContain('cycle review-demo 2027-11');
  });
});
