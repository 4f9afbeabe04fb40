import { userInfo } from 'node:os';
import { type CityStatus, type PlanLine } from '@fund/shared';
import { z } from 'zod';
import { call, expectStatus, operatorToken, printJson, tokenFor } from './api';
import { city, CITY_ARG, json, JSON_OPTION, month, MONTH_ARG } from './inputs';
import { defineCommand } from './parser';
import { progressLine, renderStatus, type CycleView } from './status-view';

async function fetchStatus(m: string): Promise<CycleView> {
  return expectStatus(await call<CycleView>('budget', 'GET', `/cycles/${m}`, await operatorToken()));
}

/** The status document of `--json`; `code` repeats `cityCode` for scripts written against the first version. */
const statusDocument = (view: CycleView) => ({ ...view, cities: view.cities.map((c) => ({ ...c, code: c.cityCode })) });

const start = defineCommand({
  group: 'cycle',
  name: 'start',
  summary: 'start the month (an existing cycle is reported, not doubled)',
  args: [MONTH_ARG],
  options: [JSON_OPTION],
  input: z.object({ month, json }),
  async run(input) {
    const token = await tokenFor('cli-agency', 'provincial_agency');
    const answer = await call<{ created: boolean; workflowId: string }>('budget', 'POST', '/cycles', token, { month: input.month });
    const body = expectStatus(answer, (s) => s < 300);
    if (input.json) printJson(body);
    else process.stdout.write(`${body.created ? 'started' : 'already running or done'}: ${body.workflowId}\n`);
    return 0;
  },
});

const status = defineCommand({
  group: 'cycle',
  name: 'status',
  summary: 'the per-city table of a month: stage, waiting for, money, payout progress',
  args: [MONTH_ARG],
  options: [JSON_OPTION],
  input: z.object({ month, json }),
  async run(input) {
    const view = await fetchStatus(input.month);
    if (input.json) printJson(statusDocument(view));
    else process.stdout.write(renderStatus(view));
    return 0;
  },
});

type Decision = { path: string; token: () => Promise<string>; body: unknown };

/** The demo's next step for a city, playing its agency or a reviewer, or null when it waits on the system. */
function demoDecision(view: CycleView, c: CityStatus, reviewers: { hrss: string; finance: string }): Decision | null {
  const base = `/cycles/${view.month}/cities/${c.cityCode}`;
  if (c.stage === 'plan' && c.draft) {
    const lines: PlanLine[] = c.draft;
    return { path: `${base}/plan`, token: () => tokenFor(`demo-agency-${c.cityCode}`, 'city_agency', c.cityCode), body: { lines } };
  }
  if (c.stage === 'hrss_review' && c.plan) {
    return { path: `${base}/hrss-decision`, token: async () => reviewers.hrss, body: { planVersion: c.plan.version, decision: 'approve' } };
  }
  if (c.stage === 'finance_review' && c.plan) {
    return {
      path: `${base}/finance-decision`,
      token: async () => reviewers.finance,
      body: { planVersion: c.plan.version, decision: 'approve' },
    };
  }
  return null;
}

/**
 * Plays every city agency and reviewer for a month, then waits for the month to close. What it
 * decides goes to `log`; how far the month has got goes to stderr, one line each time it changes.
 */
async function reviewDemo(m: string, waitMs: number, log: (line: string) => void): Promise<CycleView> {
  const reviewers = {
    hrss: await tokenFor('demo-hrss-reviewer', 'hrss_reviewer'),
    finance: await tokenFor('demo-finance-reviewer', 'finance_reviewer'),
  };
  const decided = new Set<string>();
  const deadline = Date.now() + waitMs;
  let lastProgress = '';
  for (;;) {
    const view = await fetchStatus(m);
    for (const c of view.cities) {
      const key = `${c.cityCode}:${c.stage}:${c.plan?.version ?? 0}`;
      const decision = decided.has(key) ? null : demoDecision(view, c, reviewers);
      if (!decision) continue;
      const answer = await call('budget', 'POST', decision.path, await decision.token(), decision.body);
      decided.add(key);
      log(`${c.cityCode} ${c.stage}: ${answer.status === 200 ? 'done' : `refused: ${JSON.stringify(answer.body)}`}`);
    }
    if (view.status !== 'running') return view;
    const progress = progressLine(view);
    if (progress !== lastProgress) process.stderr.write(`${progress}\n`);
    lastProgress = progress;
    if (Date.now() > deadline) {
      log('still running; follow it with `cycle status`');
      return view;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const reviewDemoCommand = defineCommand({
  group: 'cycle',
  name: 'review-demo',
  summary: 'play every city agency and reviewer, approve each plan, wait for the close; exit 1 unless it closes balanced',
  args: [MONTH_ARG],
  options: [
    { name: 'wait-ms', value: 'ms', description: 'stop waiting after this long (default 30 minutes); the month runs on' },
    JSON_OPTION,
  ],
  input: z.object({
    month,
    waitMs: z
      .string()
      .regex(/^[1-9]\d*$/, 'must be a whole number of milliseconds')
      .transform(Number)
      .optional(),
    json,
  }),
  async run(input) {
    // With --json, stdout holds only the final document; the steps go to stderr.
    const log = (line: string) => (input.json ? process.stderr : process.stdout).write(`${line}\n`);
    const view = await reviewDemo(input.month, input.waitMs ?? 30 * 60_000, log);
    if (input.json) printJson(statusDocument(view));
    else process.stdout.write(renderStatus(view));
    return view.status === 'closed' && view.reconciliation?.balanced ? 0 : 1;
  },
});

const repay = defineCommand({
  group: 'cycle',
  name: 'repay',
  summary: 'pay again the returned payments whose bank details were corrected (also after the month closed)',
  args: [MONTH_ARG, CITY_ARG],
  options: [JSON_OPTION],
  input: z.object({ month, city, json }),
  async run(input) {
    const answer = await call<CityStatus>('budget', 'POST', `/cycles/${input.month}/cities/${input.city}/repay`, await operatorToken(), {});
    const payout = expectStatus(answer).payout;
    if (input.json) printJson(payout);
    else if (!payout) process.stdout.write(`${input.month} ${input.city}: no payout yet\n`);
    else {
      const still = payout.failed ? `, ${payout.failed} still returned` : '';
      process.stdout.write(`${input.month} ${input.city}: ${payout.paid} of ${payout.total} paid${still}, ${payout.pending} pending\n`);
    }
    return 0;
  },
});

/** Who decides: the operator named by --user, else the login name, so the audit trail names a person. */
const operatorNamed = async (user: string | undefined) => tokenFor(user ?? userInfo().username, 'operator');
const USER_OPTION = { name: 'user', value: 'id', description: 'the operator deciding (default: your login name)' };

const reasonText = z.string().trim().min(1, 'must say why').max(2000, 'must be at most 2,000 characters');

/** What an operator's decision on a failed step printed: where the city now stands. */
function printDecision(input: { month: string; city: string; json: boolean }, status: CityStatus): void {
  if (input.json) printJson(status);
  else
    process.stdout.write(
      `${input.month} ${input.city}: ${status.stage}, waiting for ${status.waitingFor}${status.closure ? `; closed at ${status.closure.stage}` : ''}\n`,
    );
}

const retry = defineCommand({
  group: 'cycle',
  name: 'retry',
  summary: 'run again the step of a city that failed for good (WaitingFor operator), once its cause is fixed',
  args: [MONTH_ARG, CITY_ARG],
  options: [{ name: 'reason', value: 'text', description: 'what was fixed, for the audit trail' }, USER_OPTION, JSON_OPTION],
  input: z.object({ month, city, reason: reasonText.optional(), user: z.string().min(1).max(100).optional(), json }),
  async run(input) {
    const body = input.reason ? { reason: input.reason } : {};
    const token = await operatorNamed(input.user);
    printDecision(
      input,
      expectStatus(await call<CityStatus>('budget', 'POST', `/cycles/${input.month}/cities/${input.city}/retry-step`, token, body)),
    );
    return 0;
  },
});

const close = defineCommand({
  group: 'cycle',
  name: 'close',
  summary: "close a city's month at the step that failed for good; what its unallocated plan holds goes back",
  args: [MONTH_ARG, CITY_ARG],
  options: [{ name: 'reason', value: 'text', description: 'why the month closes without the step (required)' }, USER_OPTION, JSON_OPTION],
  input: z.object({
    month,
    city,
    reason: z.string({ error: 'is required: say why the month closes without the step' }).pipe(reasonText),
    user: z.string().min(1).max(100).optional(),
    json,
  }),
  async run(input) {
    const token = await operatorNamed(input.user);
    const answer = await call<CityStatus>('budget', 'POST', `/cycles/${input.month}/cities/${input.city}/close-city`, token, {
      reason: input.reason,
    });
    printDecision(input, expectStatus(answer));
    return 0;
  },
});

const payoutDay = defineCommand({
  group: 'cycle',
  name: 'payout-day',
  summary: "begin the province's payout day now, once every city that is to be paid is prepared",
  args: [MONTH_ARG],
  options: [{ name: 'reason', value: 'text', description: 'why the day begins early, for the audit trail' }, USER_OPTION, JSON_OPTION],
  input: z.object({ month, reason: reasonText.optional(), user: z.string().min(1).max(100).optional(), json }),
  async run(input) {
    const token = await tokenFor(input.user ?? userInfo().username, 'provincial_agency');
    const body = input.reason ? { reason: input.reason } : {};
    const answer = expectStatus(
      await call<{ payoutDayBegun: { userId: string; at: string } }>('budget', 'POST', `/cycles/${input.month}/payout-day`, token, body),
    );
    if (input.json) printJson(answer);
    else process.stdout.write(`${input.month}: payout day begun by ${answer.payoutDayBegun.userId} at ${answer.payoutDayBegun.at}\n`);
    return 0;
  },
});

/** The `cycle` group. */
export const CYCLE_COMMANDS = [start, status, reviewDemoCommand, repay, retry, close, payoutDay];
