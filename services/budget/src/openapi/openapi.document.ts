import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  HUMAN_ROLES,
  monthBodySchema,
  planLinesSchema,
  ROLES,
  type FinanceDecisionArgs,
  type HrssDecisionArgs,
  type Role,
  type SubmitPlanArgs,
} from '@fund/shared';
import { z } from 'zod';
import {
  budgetPositionDoc,
  cityStatusDoc,
  cycleStartedDoc,
  cycleViewDoc,
  errorBodyDoc,
  params,
  PLAN_STATUSES,
  planHistoryDoc,
  planLineDoc,
  planListDoc,
  storedPlanDoc,
  storedReportDoc,
} from './responses.schema';

// Request bodies of the cycle API, built from the same shared schemas the routes parse with.
const planVersion = z.number().int().min(1).meta({ description: 'the plan version the reviewer looked at; a stale version is refused' });
const reason = z.string().max(2000).optional().meta({ description: 'why; required to return a plan, and to cut one' });

/** Body of POST /cycles/{month}/cities/{cityCode}/plan. */
export const submitPlanBody = z.object({ lines: planLinesSchema.meta({ description: 'one line per category; each category at most once' }) });
/** Body of POST /cycles/{month}/cities/{cityCode}/hrss-decision. */
export const hrssDecisionBody = z.object({ planVersion, decision: z.enum(['approve', 'return']), reason });
/** Body of POST /cycles/{month}/cities/{cityCode}/finance-decision. */
export const financeDecisionBody = z.object({
  planVersion,
  decision: z.enum(['approve', 'return', 'cut']),
  reason,
  lines: z.array(planLineDoc).optional().meta({ description: 'with a cut only: every submitted category, none raised, at least one lowered' }),
});

const monthParams = z.object({ month: params.month });
const cityParams = z.object({ month: params.month, cityCode: params.cityCode });

const json = (schema: z.ZodType, example?: unknown) => ({ 'application/json': example === undefined ? { schema } : { schema, example } });

const ERROR_MEANINGS: Record<number, string> = {
  400: 'VALIDATION_FAILED: details.issues names each field and the rule it broke',
  401: 'UNAUTHORIZED: no bearer token, or it is invalid or expired',
  403: 'FORBIDDEN: the token\'s role (or city) may not do this',
  404: 'NOT_FOUND: no such month, city cycle or report',
  409: 'BUDGET_EXCEEDED or INSUFFICIENT_POOL: approving would break the budget execution limit or the pool\'s available balance; CONFLICT: the city\'s cycle ended without closing, so nothing can be re-paid through it',
  422: 'INVALID_DECISION: the workflow refused the step (wrong stage, stale version, missing reason, separation of duties...); the message names the rule',
};

function errors(...statuses: number[]): Record<number, ResponseConfig> {
  return Object.fromEntries(statuses.map((s) => [s, { description: ERROR_MEANINGS[s]!, content: json(errorBodyDoc) }]));
}

function ok(description: string, schema: z.ZodType): ResponseConfig {
  return { description, content: json(schema) };
}

/** The roles a cycle operation lets through, shown in the description and as `x-roles`. */
function roles(list: readonly Role[], note = ''): { 'x-roles': Role[]; description: string } {
  return { 'x-roles': [...list], description: `Roles: ${list.join(', ')}.${note ? ` ${note}` : ''}` };
}

const OWN_CITY = 'A city agency only for its own city.';

const EXAMPLE_LINES = [
  { category: 'long_term', count: 120, amountFen: '45600000' },
  { category: 'medical', count: 8, amountFen: '1234500' },
];

/**
 * The operations the document describes: the cycle API for people, and the read endpoints reviewers use.
 * The roles here are a hand-kept copy of each route's guard; test/console.test.ts checks them against the service.
 */
const OPERATIONS: RouteConfig[] = [
  {
    method: 'post',
    path: '/cycles',
    operationId: 'startCycle',
    tags: ['Cycles'],
    summary: 'Start the monthly cycle of a month',
    ...roles(['provincial_agency', 'operator'], 'Starts workflow cycle:<month>; a month that already has a cycle answers 200 with that cycle.'),
    request: { body: { required: true, content: json(monthBodySchema, { month: '2027-02' }) } },
    responses: {
      201: ok('Started', cycleStartedDoc),
      200: ok('The month already had a cycle (created: false)', cycleStartedDoc),
      ...errors(400, 401, 403),
    },
  },
  {
    method: 'get',
    path: '/cycles/{month}',
    operationId: 'getCycle',
    tags: ['Cycles'],
    summary: 'Status of a month and of each city in it',
    ...roles(HUMAN_ROLES, 'A city agency sees only its own city.'),
    request: { params: monthParams },
    responses: { 200: ok('The month\'s cycle', cycleViewDoc), ...errors(400, 401, 403, 404) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/plan',
    operationId: 'submitPlan',
    tags: ['Cycles'],
    summary: 'A city agency submits (or resubmits) its expenditure plan',
    ...roles(['city_agency'], 'Only for the city in the token; at stage plan.'),
    request: { params: cityParams, body: { required: true, content: json(submitPlanBody, { lines: EXAMPLE_LINES }) } },
    responses: { 200: ok('The city\'s status after the submission', cityStatusDoc), ...errors(400, 401, 403, 404, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/hrss-decision',
    operationId: 'hrssDecision',
    tags: ['Cycles'],
    summary: 'The HRSS department approves or returns a plan',
    ...roles(['hrss_reviewer'], 'At stage hrss_review; the submitter cannot approve; returning needs a reason.'),
    request: { params: cityParams, body: { required: true, content: json(hrssDecisionBody, { planVersion: 1, decision: 'approve' }) } },
    responses: { 200: ok('The city\'s status after the decision', cityStatusDoc), ...errors(400, 401, 403, 404, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/finance-decision',
    operationId: 'financeDecision',
    tags: ['Cycles'],
    summary: 'The finance department approves, cuts or returns an HRSS-approved plan',
    ...roles(
      ['finance_reviewer'],
      'At stage finance_review; not the submitter nor the HRSS approver. Approval commits the lines against the annual budget and reserves pool money.',
    ),
    request: {
      params: cityParams,
      body: {
        required: true,
        content: json(financeDecisionBody, {
          planVersion: 1,
          decision: 'cut',
          reason: 'medical settlements above the quarter\'s trend',
          lines: [EXAMPLE_LINES[0], { ...EXAMPLE_LINES[1], amountFen: '1000000' }],
        }),
      },
    },
    responses: { 200: ok('The city\'s status after the decision', cityStatusDoc), ...errors(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'post',
    path: '/cycles/{month}/cities/{cityCode}/repay',
    operationId: 'repayReturned',
    tags: ['Cycles'],
    summary: 'Pay the payments the bank returned again, after the bank details were corrected',
    ...roles(
      ['operator', 'provincial_agency', 'city_agency'],
      'A city agency only for its own city. At stage payout through the running cycle; once the city has closed, as a lateRepayment workflow of its own.',
    ),
    request: { params: cityParams },
    responses: { 200: ok('The city\'s status, its payout as it stands after the repayment', cityStatusDoc), ...errors(400, 401, 403, 404, 409, 422) },
  },
  {
    method: 'get',
    path: '/plans',
    operationId: 'listPlans',
    tags: ['Plans'],
    summary: 'The reviewers\' list: each city\'s latest plan version and its status',
    ...roles(['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator'], 'With a month, cities that have not submitted are listed as awaiting.'),
    request: {
      query: z.object({
        month: params.month.optional(),
        status: z.enum(PLAN_STATUSES).optional(),
        limit: z.coerce.number().int().min(1).max(5000).default(500),
      }),
    },
    responses: { 200: ok('Plans, newest month first', planListDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/plans/{month}/{cityCode}',
    operationId: 'plansOfCity',
    tags: ['Plans'],
    summary: 'Every version of a city\'s plan for a month, with its reviews',
    ...roles(HUMAN_ROLES, OWN_CITY),
    request: { params: cityParams },
    responses: { 200: ok('Plan versions, oldest first', z.array(storedPlanDoc)), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/history/{cityCode}',
    operationId: 'planHistory',
    tags: ['Plans'],
    summary: 'A city\'s planned and approved totals over recent months',
    ...roles(HUMAN_ROLES, OWN_CITY),
    request: {
      params: z.object({ cityCode: params.cityCode }),
      query: z.object({
        months: z.coerce.number().int().min(1).max(60).default(6),
        until: params.month.optional().meta({ description: 'last month shown; default the current month in UTC+8' }),
      }),
    },
    responses: { 200: ok('One entry per month, oldest first', planHistoryDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/budgets/remaining/{month}/{cityCode}',
    operationId: 'budgetRemaining',
    tags: ['Budgets'],
    summary: 'What remains of a city\'s annual budget for the year of a month',
    ...roles(ROLES, `${OWN_CITY} The cycle (role system) reads it too.`),
    request: { params: cityParams },
    responses: { 200: ok('The budget position', budgetPositionDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/budgets/{year}/{cityCode}',
    operationId: 'budgetOfYear',
    tags: ['Budgets'],
    summary: 'A city\'s annual budget, commitments and remainder',
    ...roles(HUMAN_ROLES, OWN_CITY),
    request: { params: z.object({ year: params.year, cityCode: params.cityCode }) },
    responses: { 200: ok('The budget position', budgetPositionDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/reports/{month}',
    operationId: 'monthReport',
    tags: ['Reports'],
    summary: 'The stored reconciliation report of a closed month',
    ...roles(['hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator']),
    request: { params: monthParams },
    responses: { 200: ok('The latest stored version', storedReportDoc), ...errors(400, 401, 403, 404) },
  },
];

/** Builds the OpenAPI 3.0 document of the budget service's public API from its zod schemas. */
export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `HS256 token with claims sub (user), role (${ROLES.join(', ')}) and city (for a city agency); issuer provincial-fund, audience provincial-fund-api. Issue one with \`npm run cli -- token issue --role <role> --user <name>\`. Each operation lists the roles it lets through (x-roles); any other role gets 403 FORBIDDEN.`,
  });
  for (const operation of OPERATIONS) registry.registerPath(operation);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Provincial work-injury fund: budget service',
      version: '1.0.0',
      description:
        'The monthly cycle API (start a month, submit plans, HRSS and finance decisions) and the read endpoints reviewers use. Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'Cycles', description: 'Workflow-backed monthly cycle: each decision is a Temporal Workflow Update.' },
      { name: 'Plans', description: 'Recorded plan versions, the reviewers\' list and history.' },
      { name: 'Budgets', description: 'Annual budgets and what remains of them.' },
      { name: 'Reports', description: 'Stored monthly reconciliation reports.' },
    ],
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

// The documented bodies must say what the workflow Updates take (less the actor, which comes from the token).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const agree = <T extends true>(): T | undefined => undefined;
agree<Same<z.infer<typeof submitPlanBody>, Omit<SubmitPlanArgs, 'actor'>>>();
agree<Same<z.infer<typeof hrssDecisionBody>, Omit<HrssDecisionArgs, 'actor'>>>();
agree<Same<z.infer<typeof financeDecisionBody>, Omit<FinanceDecisionArgs, 'actor'>>>();
