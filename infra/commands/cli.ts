import { Client, Connection } from '@temporalio/client';
import {
  cityByCode,
  formatYuan,
  HUMAN_ROLES,
  MONTHLY_SCHEDULE_ID,
  monthString,
  parseCycleClock,
  sumFen,
  type CityStatus,
  type FailedPayee,
  type HumanRole,
  type PlanLine,
} from '@fund/shared';
import { EncryptionCodec, issueToken, type ChainVerification } from '@fund/shared/server';
import { applyMonthlySchedule } from '../schedule';
import { authSecret, payloadKey, PORTS, serviceUrl } from '../stack';

const BUDGET_URL = process.env.BUDGET_URL ?? serviceUrl(PORTS.budget);
const DISBURSEMENT_URL = process.env.DISBURSEMENT_URL ?? serviceUrl(PORTS.disbursement);

interface CycleView {
  month: string;
  status: 'running' | 'closed' | 'failed';
  cities: CityStatus[];
  reconciliation: { balanced: boolean; totals: Record<string, string>; checks: { name: string; ok: boolean; detail: string }[] } | null;
}

async function tokenFor(userId: string, role: HumanRole, cityCode?: string): Promise<string> {
  return issueToken(authSecret(), { userId, role, ...(cityCode ? { cityCode } : {}) }, '1h');
}

async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(`${BUDGET_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`cannot reach the budget service at ${BUDGET_URL}: is \`npm start\` running?`);
  }
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

function fail(message: string): never {
  throw new Error(message);
}

function monthArg(value: string | undefined): string {
  const parsed = monthString.safeParse(value);
  if (!parsed.success) fail(`month must be written YYYY-MM (got ${value ?? 'nothing'})`);
  return parsed.data;
}

const operator = () => tokenFor('cli-operator', 'operator');

async function status(month: string): Promise<CycleView> {
  const res = await api<CycleView & { error?: { message: string } }>('GET', `/cycles/${month}`, await operator());
  if (res.status !== 200) fail(res.body.error?.message ?? `status ${res.status}`);
  return res.body;
}

function bar(done: number, total: number, width = 20): string {
  if (total === 0) return ''.padEnd(width + 7);
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor((done / total) * 100)).padStart(3)}%`;
}

function printTable(view: CycleView): void {
  const rows = view.cities.map((c) => {
    const planned = c.plan ? formatYuan(sumFen(c.plan.lines.map((l) => l.amountFen))) : '-';
    const payout = c.payout ? `${bar(c.payout.paid, c.payout.total)} ${c.payout.paid}/${c.payout.total}${c.payout.failed ? ` (${c.payout.failed} returned)` : ''}` : '';
    return [
      c.cityCode,
      (cityByCode(c.cityCode)?.nameEn ?? '').slice(0, 12),
      c.stage,
      c.waitingFor,
      c.overdue ? 'OVERDUE' : '',
      c.transferredFen ? formatYuan(c.transferredFen) : '-',
      planned,
      c.allocatedFen ? formatYuan(c.allocatedFen) : '-',
      payout,
    ];
  });
  const header = ['city', 'name', 'stage', 'waiting for', 'overdue', 'transferred', 'planned', 'allocated', 'payout'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`cycle ${view.month}: ${view.status}\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  if (view.reconciliation) {
    const r = view.reconciliation;
    process.stdout.write(`\nreconciliation: ${r.balanced ? 'balanced' : 'NOT BALANCED'}; paid ${formatYuan(r.totals.paidFen ?? '0')} of ${formatYuan(r.totals.allocatedFen ?? '0')} allocated\n`);
    for (const check of r.checks.filter((c) => !c.ok)) process.stdout.write(`  failed: ${check.name} (${check.detail})\n`);
  }
}

/** Plays every city agency and reviewer for a month, then waits for the month to close. */
async function reviewDemo(month: string, waitMs: number): Promise<CycleView> {
  const hrss = await tokenFor('demo-hrss-reviewer', 'hrss_reviewer');
  const finance = await tokenFor('demo-finance-reviewer', 'finance_reviewer');
  const decided = new Set<string>();
  const deadline = Date.now() + waitMs;
  for (;;) {
    const view = await status(month);
    for (const city of view.cities) {
      const key = `${city.cityCode}:${city.stage}:${city.plan?.version ?? 0}`;
      if (decided.has(key)) continue;
      const base = `/cycles/${month}/cities/${city.cityCode}`;
      let res: { status: number; body: unknown } | null = null;
      if (city.stage === 'plan' && city.draft) {
        const agency = await tokenFor(`demo-agency-${city.cityCode}`, 'city_agency', city.cityCode);
        res = await api('POST', `${base}/plan`, agency, { lines: city.draft satisfies PlanLine[] });
      } else if (city.stage === 'hrss_review' && city.plan) {
        res = await api('POST', `${base}/hrss-decision`, hrss, { planVersion: city.plan.version, decision: 'approve' });
      } else if (city.stage === 'finance_review' && city.plan) {
        res = await api('POST', `${base}/finance-decision`, finance, { planVersion: city.plan.version, decision: 'approve' });
      }
      if (res) {
        decided.add(key);
        const outcome = res.status === 200 ? 'done' : `refused: ${JSON.stringify(res.body)}`;
        process.stdout.write(`${city.cityCode} ${city.stage}: ${outcome}\n`);
      }
    }
    if (view.status !== 'running') return view;
    if (Date.now() > deadline) {
      process.stdout.write('still running; follow it with `cycle status`\n');
      return view;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function applySchedule(): Promise<void> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${PORTS.temporal}` });
  try {
    // The schedule's action carries a workflow input: encode it like every other client does.
    const client = new Client({ connection, dataConverter: { payloadCodecs: [EncryptionCodec.fromConfig({ PAYLOAD_KEY: payloadKey(), PAYLOAD_PREVIOUS_KEYS: [] })] } });
    const outcome = await applyMonthlySchedule(client, { clock: parseCycleClock(process.env.CYCLE_CLOCK ?? 'calendar') });
    process.stdout.write(`${outcome} schedule ${MONTHLY_SCHEDULE_ID}\n`);
  } finally {
    await connection.close();
  }
}

/** Walks the audit trail's hash chain (GET /audit/verify, as an operator): OK, or the first broken row and why. */
async function verifyAudit(): Promise<number> {
  const res = await api<ChainVerification & { error?: { message: string } }>('GET', '/audit/verify', await operator());
  if (res.status !== 200) fail(res.body.error?.message ?? `status ${res.status}`);
  const result = res.body;
  if (result.ok) {
    process.stdout.write(`OK: the audit chain is intact (${result.checked} rows${result.lastId ? `, last row ${result.lastId}` : ''})\n`);
    return 0;
  }
  process.stdout.write(`BROKEN at row ${result.broken!.id}: ${result.broken!.reason} (${result.checked} rows before it verified)\n`);
  return 1;
}

async function disbursementApi<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T & { error?: { message: string } } }> {
  let response: Response;
  try {
    response = await fetch(`${DISBURSEMENT_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${await operator()}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`cannot reach the disbursement service at ${DISBURSEMENT_URL}: is \`npm start\` running?`);
  }
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T & { error?: { message: string } } };
}

/** The beneficiaries whose payments the bank returned in a city's month (accounts masked), for the repair round. */
async function failedPayments(month: string, city: string, json: boolean): Promise<number> {
  const res = await disbursementApi<{ beneficiaries: FailedPayee[] }>('GET', `/payments?month=${month}&cityCode=${city}&status=failed`);
  if (res.status !== 200) fail(res.body.error?.message ?? `status ${res.status}`);
  const payees = res.body.beneficiaries;
  if (json) {
    process.stdout.write(`${JSON.stringify(res.body)}\n`);
    return 0;
  }
  const open = payees.filter((p) => p.payments.some((x) => !x.repaid));
  process.stdout.write(`${month} ${city}: ${open.length} beneficiaries with returned payments still unpaid (${payees.length} ever returned)\n`);
  const rows = payees.map((p) => {
    const last = p.payments.at(-1);
    return [
      p.beneficiaryId,
      p.name,
      p.bankAccount,
      p.bankName,
      p.bankStatus,
      formatYuan(p.failedFen),
      String(p.payments.length),
      p.payments.every((x) => x.repaid) ? 'repaid' : (last?.reason ?? ''),
    ];
  });
  const header = ['beneficiary', 'name', 'account', 'bank', 'details', 'unpaid', 'returns', 'last reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  if (open.length > 0) {
    process.stdout.write(`\nfix each: npm run cli -- beneficiary fix-bank <beneficiary> <account> <bank name>\nthen:     npm run cli -- cycle repay ${month} ${city}\n`);
  }
  return 0;
}

/** Corrects a beneficiary's bank details; the bank re-verifies them before the next payment. */
async function fixBank(id: string | undefined, account: string | undefined, bankName: string): Promise<number> {
  if (!id || !/^\d+$/.test(id)) fail('name the beneficiary id (a number, from `payments failed`)');
  if (!account) fail('give the corrected bank account number');
  if (!bankName) fail('give the bank name');
  const res = await disbursementApi<{ id: string; bankAccount: string; bankName: string; bankStatus: string; bankVerifiedAt: string | null }>(
    'PUT',
    `/beneficiaries/${id}/bank-account`,
    { bankAccount: account, bankName },
  );
  if (res.status !== 200) fail(res.body.error?.message ?? `status ${res.status}`);
  process.stdout.write(`beneficiary ${res.body.id}: ${res.body.bankName} ${res.body.bankAccount}, ${res.body.bankStatus} (verified ${res.body.bankVerifiedAt ?? '-'})\n`);
  return 0;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const USAGE = `usage: npm run cli -- <command>
  cycle start <YYYY-MM>               start the month (an existing cycle is reported, not doubled)
  cycle status <YYYY-MM> [--json]     per-city table; --json for machines
  cycle review-demo <YYYY-MM>         play every city agency and reviewer, approve each plan, wait for close
  cycle repay <YYYY-MM> <city>        pay again the returned payments whose bank details were corrected (also after the month closed)
  payments failed <YYYY-MM> <city> [--json]   the beneficiaries whose payments the bank returned (accounts masked)
  beneficiary fix-bank <id> <account> <bank name>   correct a beneficiary's bank details (re-verified by the bank)
  schedule apply                      create or update the day-1 monthly schedule (overlap: skip)
  token issue --role <role> --user <id> [--city <code>]   print a signed API token
  audit verify                        check the audit trail's hash chain; exit 1 naming the first broken row
`;

/** `npm run cli -- ...` */
export async function runCli(args: string[]): Promise<number> {
  const [group, command, ...rest] = args;
  if (group === 'cycle' && command === 'start') {
    const month = monthArg(rest[0]);
    const res = await api<{ created: boolean; workflowId: string; error?: { message: string } }>('POST', '/cycles', await tokenFor('cli-agency', 'provincial_agency'), { month });
    if (res.status >= 300) fail(res.body.error?.message ?? `status ${res.status}`);
    process.stdout.write(`${res.body.created ? 'started' : 'already running or done'}: ${res.body.workflowId}\n`);
    return 0;
  }
  if (group === 'cycle' && command === 'status') {
    const view = await status(monthArg(rest[0]));
    if (rest.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ ...view, cities: view.cities.map((c) => ({ ...c, code: c.cityCode })) })}\n`);
    } else {
      printTable(view);
    }
    return 0;
  }
  if (group === 'cycle' && command === 'review-demo') {
    const view = await reviewDemo(monthArg(rest[0]), Number(flag(rest, 'wait-ms') ?? 30 * 60_000));
    printTable(view);
    return view.status === 'closed' && view.reconciliation?.balanced ? 0 : 1;
  }
  if (group === 'cycle' && command === 'repay') {
    const month = monthArg(rest[0]);
    const city = rest[1] ?? fail('name the city code');
    const res = await api<{ payout?: unknown; error?: { message: string } }>('POST', `/cycles/${month}/cities/${city}/repay`, await operator(), {});
    if (res.status !== 200) fail(res.body.error?.message ?? `status ${res.status}`);
    process.stdout.write(`${JSON.stringify(res.body.payout)}\n`);
    return 0;
  }
  if (group === 'payments' && command === 'failed') {
    const month = monthArg(rest[0]);
    const city = rest[1] ?? fail('name the city code');
    return failedPayments(month, city, rest.includes('--json'));
  }
  if (group === 'beneficiary' && command === 'fix-bank') {
    return fixBank(rest[0], rest[1], rest.slice(2).join(' ').trim());
  }
  if (group === 'schedule' && command === 'apply') {
    await applySchedule();
    return 0;
  }
  if (group === 'token' && command === 'issue') {
    const role = flag(rest, 'role');
    const user = flag(rest, 'user');
    if (!role || !(HUMAN_ROLES as readonly string[]).includes(role)) fail(`--role must be one of ${HUMAN_ROLES.join(', ')}`);
    if (!user) fail('--user must name the user');
    const city = flag(rest, 'city');
    if (role === 'city_agency' && !city) fail('a city_agency token needs --city <division code>');
    process.stdout.write(`${await tokenFor(user, role as HumanRole, city)}\n`);
    return 0;
  }
  if (group === 'audit' && command === 'verify') return verifyAudit();
  process.stderr.write(USAGE);
  return 2;
}
