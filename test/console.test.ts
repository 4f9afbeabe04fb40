import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { cityByCode, formatYuan, monthOf, ROLES, sumFen, type CityStatus, type Role } from '@fund/shared';
import { issueToken } from '@fund/shared/server';
import { CONSOLE_CSP } from '@fund/budget';
import { DATA_DIR } from '@fund/infra';
import { waitFor } from './drive';
import { startTestStack, TEST_SECRET, type TestStack } from './stack';

// The only month this file starts: workflow ids are business keys shared by the whole namespace.
const MONTH = '2027-02';
const CITY = '620100';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.join(DATA_DIR, 'console.png');

const CYCLE_OPERATIONS = [
  'post /cycles',
  'get /cycles/{month}',
  'post /cycles/{month}/cities/{cityCode}/plan',
  'post /cycles/{month}/cities/{cityCode}/hrss-decision',
  'post /cycles/{month}/cities/{cityCode}/finance-decision',
  'post /cycles/{month}/cities/{cityCode}/repay',
  'get /plans',
  'get /history/{cityCode}',
  'get /budgets/remaining/{month}/{cityCode}',
  'get /reports/{month}',
];

/** Starts the month and plays every city agency: each submits the draft the system offers. */
async function submitEveryPlan(stack: TestStack): Promise<CityStatus[]> {
  const started = await stack.api('POST', '/cycles', 'provincial_agency', { month: MONTH });
  expect(started.status).toBe(201);
  const ready = await waitFor(stack, MONTH, (v) => v.cities.length === 14 && v.cities.every((c) => c.stage === 'plan' && c.draft !== null));
  await Promise.all(
    ready.cities.map(async (city) => {
      const r = await stack.api(
        'POST',
        `/cycles/${MONTH}/cities/${city.cityCode}/plan`,
        'city_agency',
        { lines: city.draft },
        { userId: `agency-${city.cityCode}`, cityCode: city.cityCode },
      );
      if (r.status !== 200) throw new Error(`submit ${city.cityCode}: ${JSON.stringify(r.body)}`);
    }),
  );
  const view = await waitFor(stack, MONTH, (v) => v.cities.every((c) => c.stage === 'hrss_review'));
  return view.cities;
}

/** Presses Tab (or Shift+Tab) until the focused element matches, and returns what focus passed through. */
async function tabTo(page: Page, selector: string, options: { backwards?: boolean; max?: number } = {}): Promise<string[]> {
  const passed: string[] = [];
  for (let i = 0; i < (options.max ?? 80); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const focus = await page.evaluate((s) => {
      const active = document.activeElement;
      const name = active ? `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''}` : 'none';
      return { name, matches: active?.matches(s) ?? false };
    }, selector);
    passed.push(focus.name);
    if (focus.matches) return passed;
  }
  throw new Error(`keyboard focus never reached ${selector}; it passed ${passed.join(' > ')}`);
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('reviewer console and API docs (real Temporal, PostgreSQL, HTTP, headless Chromium)', () => {
  let stack: TestStack;
  let submitted: CityStatus[];

  beforeAll(async () => {
    stack = await startTestStack({ beneficiaries: 140 });
    submitted = await submitEveryPlan(stack);
  });
  afterAll(() => stack?.stop());

  describe('API docs', () => {
    it('GET /openapi.json is an OpenAPI 3 document of the cycle API with a bearer JWT scheme and the shared error body', async () => {
      const res = await fetch(`${stack.budget.url}/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const doc = (await res.json()) as any;
      expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
      expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });

      const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, item]) =>
        Object.keys(item).map((m) => `${m} ${p}`),
      );
      expect(operations).toEqual(expect.arrayContaining(CYCLE_OPERATIONS));

      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
      expect(doc.security).toEqual([{ bearerAuth: [] }]);
      expect(doc.components.schemas.ErrorBody.properties.error.properties).toEqual(
        expect.objectContaining({ code: expect.anything(), message: expect.anything(), details: expect.anything() }),
      );

      // Every operation answers its refusals with ErrorBody, and every reference resolves.
      for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
        for (const [method, op] of Object.entries(item)) {
          const refusals = Object.entries(op.responses as Record<string, any>).filter(([status]) => status.startsWith('4'));
          expect({ op: `${method} ${p}`, refusals: refusals.length > 0 }).toEqual({ op: `${method} ${p}`, refusals: true });
          for (const [, response] of refusals)
            expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
        }
      }
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
      for (const ref of new Set(refs)) expect(doc.components.schemas).toHaveProperty([ref]);

      // The request bodies come from the shared schemas: money as fen strings, the plan line categories, the decisions.
      const hrss = doc.paths['/cycles/{month}/cities/{cityCode}/hrss-decision'].post;
      expect(hrss['x-roles']).toEqual(['hrss_reviewer']);
      expect(hrss.requestBody.content['application/json'].schema.properties.decision.enum).toEqual(['approve', 'return']);
      const finance = doc.paths['/cycles/{month}/cities/{cityCode}/finance-decision'].post.requestBody.content['application/json'].schema;
      expect(finance.properties.decision.enum).toEqual(['approve', 'return', 'cut']);
      expect(doc.components.schemas.PlanLine.properties.amountFen).toMatchObject({ type: 'string', pattern: '^\\d{1,18}$' });
      expect(doc.components.schemas.PlanLine.properties.category.enum).toEqual(['long_term', 'one_time', 'medical', 'other']);
      const month = doc.paths['/cycles/{month}'].get.parameters.find((x: any) => x.name === 'month');
      expect(month).toMatchObject({ in: 'path', required: true, schema: { pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } });
    });

    it("the documented example bodies get past the routes' own validation (a refusal from the workflow, not a 400)", async () => {
      const doc = (await (await fetch(`${stack.budget.url}/openapi.json`)).json()) as any;
      const example = (p: string) => doc.paths[p].post.requestBody.content['application/json'].example;
      const base = `/cycles/${MONTH}/cities/620200`;
      // Every city is at hrss_review: the plan and finance examples arrive at the wrong stage, the HRSS one names a stale version.
      const plan = await stack.api('POST', `${base}/plan`, 'city_agency', example('/cycles/{month}/cities/{cityCode}/plan'), {
        userId: 'agency-620200',
        cityCode: '620200',
      });
      const financeBody = example('/cycles/{month}/cities/{cityCode}/finance-decision');
      const finance = await stack.api('POST', `${base}/finance-decision`, 'finance_reviewer', financeBody, { userId: 'docs-finance' });
      const hrss = await stack.api(
        'POST',
        `${base}/hrss-decision`,
        'hrss_reviewer',
        { ...example('/cycles/{month}/cities/{cityCode}/hrss-decision'), planVersion: 99 },
        { userId: 'docs-hrss' },
      );
      for (const r of [plan, finance, hrss]) {
        expect(r.status).toBe(422);
        expect(r.body.error.code).toBe('INVALID_DECISION');
      }
      const invalid = await stack.api('POST', `${base}/hrss-decision`, 'hrss_reviewer', { planVersion: 1, decision: 'cut' });
      expect(invalid.status).toBe(400);
    });

    it('the roles each operation documents are the roles the service lets through', async () => {
      const doc = (await (await fetch(`${stack.budget.url}/openapi.json`)).json()) as any;
      const mismatches: string[] = [];
      for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
        const urlPath = template.replace('{month}', MONTH).replace('{cityCode}', CITY).replace('{year}', MONTH.slice(0, 4));
        for (const [method, op] of Object.entries(item)) {
          const documented = op['x-roles'] as Role[];
          expect({ op: op.operationId, documented: Array.isArray(documented) }).toEqual({ op: op.operationId, documented: true });
          for (const role of ROLES) {
            const allowed = documented.includes(role);
            // Allowed calls that would change something are not made; a refused one changes nothing.
            if (allowed && method !== 'get') continue;
            const r = await stack.api(method.toUpperCase(), urlPath, role, method === 'get' ? undefined : {}, {
              userId: `roles-${role}`,
              cityCode: role === 'city_agency' ? CITY : undefined,
            });
            const refused = r.status === 401 || r.status === 403;
            if (refused === allowed)
              mismatches.push(
                `${method.toUpperCase()} ${template} as ${role}: documented ${allowed ? 'allowed' : 'refused'}, got ${r.status}`,
              );
          }
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('GET /docs is a self-contained page listing every operation of the document', async () => {
      const res = await fetch(`${stack.budget.url}/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
      const html = await res.text();
      for (const op of CYCLE_OPERATIONS) {
        const [method, p] = op.split(' ');
        expect(html).toContain(`<span class="method ${method}">${method}</span> <code>${p}</code>`);
      }
      expect(html).toContain('Authorization: Bearer');
      expect(html).toContain('id="schema-ErrorBody"');
      // Nothing from elsewhere: the machine may have no internet.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(html).not.toMatch(/<script/);
    });
  });

  describe('reviewer console', () => {
    let context: BrowserContext;
    let page: Page;
    let profile: string;
    const pageErrors: string[] = [];
    const cspReports: string[] = [];

    beforeAll(async () => {
      if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`no Chromium at ${CHROMIUM}: the console test drives Debian's Chromium; run apt-get install chromium`);
      }
      profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fund-console-chromium-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        locale: 'en-US',
        viewport: { width: 1280, height: 900 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (/Content.Security.Policy/i.test(message.text())) cspReports.push(message.text());
      });
    });
    afterAll(async () => {
      await context?.close();
      if (profile) fs.rmSync(profile, { recursive: true, force: true });
    });

    it('is served with a strict Content-Security-Policy and no inline script or style', async () => {
      const res = await fetch(`${stack.budget.url}/console`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toBe(CONSOLE_CSP);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(html).not.toMatch(/\son\w+=|\sstyle=|<style/);
      const script = await fetch(`${stack.budget.url}/console/app.js`);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(script.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    });

    it('shows the API docs page in the browser with its hashed inline stylesheet allowed', async () => {
      await page.goto(`${stack.budget.url}/docs`);
      expect(await page.locator('h3').filter({ hasText: '/cycles/{month}/cities/{cityCode}/hrss-decision' }).count()).toBe(1);
      // 60rem: the stylesheet applied, so the CSP hash matches it.
      expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('960px');
      fs.mkdirSync(DATA_DIR, { recursive: true });
      await page.screenshot({ path: path.join(DATA_DIR, 'console-docs.png') });
    });

    it('a HRSS reviewer signs in with a token and approves a plan using the keyboard only', async () => {
      const token = await issueToken(TEST_SECRET, { userId: 'alice', role: 'hrss_reviewer' });
      await page.goto(`${stack.budget.url}/console`);
      await page.waitForSelector('body[data-ready="true"]');

      // Logical order from the top: skip link, language switch, the token field, the sign-in button.
      const order = await tabTo(page, '#sign-in-form button[type="submit"]');
      expect(order).toEqual(['a', 'button#lang', 'input#token', 'button']);
      await tabTo(page, '#token', { backwards: true });
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await page.locator('#who').filter({ hasText: 'alice' }).waitFor();
      expect(await text(page, '#who')).toBe('Signed in as alice, HRSS reviewer.');
      // The token lives in this tab's sessionStorage only.
      expect(await page.evaluate(() => sessionStorage.getItem('fund.console.token'))).toBe(token);
      expect(await page.evaluate((t) => Object.values(localStorage).includes(t), token)).toBe(false);

      // Focus lands in the month field, which holds the current month in UTC+8.
      expect(await focused(page)).toBe('month');
      expect(await page.inputValue('#month')).toBe(monthOf(new Date()));
      await page.keyboard.press('Control+A');
      await page.keyboard.type(MONTH);
      await page.keyboard.press('Enter');
      await page
        .locator('#status')
        .filter({ hasText: `14 plan(s) waiting for your review in ${MONTH}.` })
        .waitFor();

      // Plan vs remaining budget vs last month, in yuan with two decimals, computed from fen with BigInt.
      const lanzhou = submitted.find((c) => c.cityCode === CITY)!;
      const planFen = sumFen(lanzhou.plan!.lines.map((l) => l.amountFen));
      expect(await text(page, `[data-plan="${CITY}"]`)).toBe(formatYuan(planFen));
      const remaining = await stack.api('GET', `/budgets/remaining/${MONTH}/${CITY}`, 'hrss_reviewer');
      const row = page.locator(`tr[data-row="${CITY}"]`);
      expect(await row.innerText()).toContain(formatYuan(remaining.body.remainingFen));
      const money = await page.locator('#queue-table td.money').allInnerTexts();
      expect(money.length).toBeGreaterThanOrEqual(14 * 3);
      for (const cell of money.filter((c) => c.startsWith('¥'))) expect(cell).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}\b/);

      // Every field has a label.
      expect(
        await page.evaluate(() =>
          Array.from(document.querySelectorAll('input, textarea'))
            .filter((e) => (e as HTMLInputElement).labels?.length === 0 && !e.getAttribute('aria-label'))
            .map((e) => e.id),
        ),
      ).toEqual([]);

      // Open Lanzhou's plan from the keyboard; focus moves to its heading.
      await tabTo(page, `button[data-city="${CITY}"]`);
      await page.keyboard.press('Enter');
      await page.locator('#detail-heading').waitFor();
      expect(await focused(page)).toBe('detail-heading');
      expect(await text(page, '#detail-heading')).toBe(`${cityByCode(CITY)!.nameEn}: plan for ${MONTH}, version 1`);
      expect(await text(page, '#compare')).toContain(
        `Plan ${formatYuan(planFen)}; budget remaining ${formatYuan(remaining.body.remainingFen)}`,
      );
      expect(await text(page, '#detail ol.decisions')).toContain(`version 1, submission, submitted by agency-${CITY} (city agency)`);
      await page.screenshot({ path: path.join(DATA_DIR, 'console-detail.png'), fullPage: true });

      // A refusal is shown as the service gave it: return without a reason.
      const direct = await stack.api(
        'POST',
        `/cycles/${MONTH}/cities/${CITY}/hrss-decision`,
        'hrss_reviewer',
        { planVersion: 1, decision: 'return' },
        { userId: 'alice' },
      );
      expect(direct.status).toBe(422);
      await tabTo(page, '#return');
      await page.keyboard.press('Enter');
      await page.locator('#alert').filter({ hasText: direct.body.error.message }).waitFor();
      expect(await text(page, '#alert')).toBe(`Refused: ${direct.body.error.code}: ${direct.body.error.message}`);
      expect(await focused(page)).toBe('return');

      // Type a reason and approve with Space, the other key a button answers to.
      await tabTo(page, '#reason', { backwards: true });
      await page.keyboard.type('Checked against the register');
      await tabTo(page, '#approve');
      await page.keyboard.press('Space');
      await page.locator('#status').filter({ hasText: '13 plan(s) waiting' }).waitFor();
      expect(await text(page, '#status')).toBe(
        `${cityByCode(CITY)!.nameEn}, version 1: approved. The plan is now "approved by HRSS". 13 plan(s) waiting for your review in ${MONTH}.`,
      );
      expect(await focused(page)).toBe('queue-heading');
      expect(await page.locator(`tr[data-row="${CITY}"]`).count()).toBe(0);

      // The workflow moved on, with alice's decision and reason on record.
      const view = await waitFor(stack, MONTH, (v) => v.cities.find((c) => c.cityCode === CITY)?.stage !== 'hrss_review');
      const city = view.cities.find((c) => c.cityCode === CITY)!;
      expect(city.stage).toBe('finance_review');
      expect(city.plan!.hrssApprovedBy).toBe('alice');
      expect(city.decisions.at(-1)).toMatchObject({
        step: 'hrss_review',
        decision: 'approve',
        userId: 'alice',
        reason: 'Checked against the register',
      });
    });

    it('switches to Chinese from the keyboard, keeping money as yuan', async () => {
      expect(await text(page, 'h1')).toBe('Plan review console');
      await tabTo(page, '#lang', { backwards: true });
      expect(await text(page, '#lang')).toBe('中文');
      await page.keyboard.press('Enter');
      await page.locator('h1').filter({ hasText: '支出计划审核台' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      expect(await page.title()).toBe('支出计划审核台');
      expect(await text(page, '#lang')).toBe('English');
      expect(await text(page, '#who')).toBe('当前用户：alice（人社厅审核人）。');
      // The last result is said again in Chinese.
      expect(await text(page, '#status')).toBe(`兰州市第 1 版：批准。计划状态：“人社厅已批准”。 ${MONTH} 有 13 个计划待您审核。`);
      expect(await text(page, '#queue-table caption')).toBe(`${MONTH} 处于“人社厅审核”阶段的计划`);
      expect(await text(page, 'tr[data-row="620200"] th')).toContain('嘉峪关市');
      expect(await text(page, '#queue-table thead')).toContain('预算余额');
      expect(await text(page, '#queue-table thead')).toContain('上月');
      const jiayuguan = submitted.find((c) => c.cityCode === '620200')!;
      expect(await text(page, '[data-plan="620200"]')).toBe(formatYuan(sumFen(jiayuguan.plan!.lines.map((l) => l.amountFen))));
      expect(await focused(page)).toBe('lang');
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    it('a finance reviewer cuts the approved plan with a reason, amounts typed in yuan', async () => {
      await tabTo(page, '#sign-out');
      await page.keyboard.press('Enter');
      expect(await focused(page)).toBe('token');
      expect(await page.evaluate(() => sessionStorage.getItem('fund.console.token'))).toBeNull();

      await page.keyboard.type(await issueToken(TEST_SECRET, { userId: 'bob', role: 'finance_reviewer' }));
      await page.keyboard.press('Enter');
      // The month typed earlier stays; the list loads at once.
      await page
        .locator('#status')
        .filter({ hasText: `${MONTH} 有 1 个计划待您审核。` })
        .waitFor();
      await tabTo(page, `button[data-city="${CITY}"]`);
      await page.keyboard.press('Enter');
      await page.locator('#detail-heading').waitFor();

      const lines = submitted.find((c) => c.cityCode === CITY)!.plan!.lines;
      const lowered = lines[0]!;
      const cutFen = BigInt(lowered.amountFen) - 12_345n;
      const input = `#cut-amount-${lowered.category}`;
      expect(await page.inputValue(input)).toBe(formatYuan(lowered.amountFen).replace(/[¥,]/g, ''));
      await tabTo(page, input);
      await page.keyboard.press('Control+A');
      await page.keyboard.type(formatYuan(cutFen));
      await tabTo(page, '#reason');
      await page.keyboard.type('超出本季度趋势');
      await page.screenshot({ path: path.join(DATA_DIR, 'console-finance.png'), fullPage: true });
      await tabTo(page, '#cut');
      await page.keyboard.press('Enter');
      await page.locator('#status').filter({ hasText: '核减' }).waitFor();

      const view = await waitFor(stack, MONTH, (v) => v.cities.find((c) => c.cityCode === CITY)?.plan?.status === 'approved');
      const city = view.cities.find((c) => c.cityCode === CITY)!;
      expect(city.plan!.approvedLines).toEqual(lines.map((l) => (l === lowered ? { ...l, amountFen: cutFen.toString() } : l)));
      expect(city.decisions.at(-1)).toMatchObject({ step: 'finance_review', decision: 'cut', userId: 'bob', reason: '超出本季度趋势' });
      expect(['finance_review', 'hrss_review']).not.toContain(city.stage);
    });

    it('raised no script error and no Content-Security-Policy violation', () => {
      expect(pageErrors).toEqual([]);
      expect(cspReports).toEqual([]);
    });
  });
});
