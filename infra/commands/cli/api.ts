import type { HumanRole } from '@fund/shared';
import { issueToken } from '@fund/shared/server';
import { authSecret, PORTS, serviceUrl } from '../../stack';

const SERVICES = {
  budget: process.env.BUDGET_URL ?? serviceUrl(PORTS.budget),
  disbursement: process.env.DISBURSEMENT_URL ?? serviceUrl(PORTS.disbursement),
};

/** A service's answer: its HTTP status and parsed body. */
export interface Answer<T> {
  status: number;
  body: T & { error?: { message: string } };
}

/** Stops the command with a message; the launcher prints it and exits 1. */
export function fail(message: string): never {
  throw new Error(message);
}

/** A one-hour token for the CLI acting as `userId` in `role`. */
export async function tokenFor(userId: string, role: HumanRole, cityCode?: string): Promise<string> {
  return issueToken(authSecret(), { userId, role, ...(cityCode ? { cityCode } : {}) }, '1h');
}

/** The CLI's operator token, for reads and repairs. */
export const operatorToken = () => tokenFor('cli-operator', 'operator');

/** Calls one of the services with a bearer token; an unreachable service is named with the hint to start the stack. */
export async function call<T>(
  service: keyof typeof SERVICES,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Answer<T>> {
  const base = SERVICES[service];
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(`cannot reach the ${service} service at ${base}: is \`npm start\` running?`);
  }
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Answer<T>['body'] };
}

/** The body of an answer with the expected status, else the service's error message. */
export function expectStatus<T>(answer: Answer<T>, ok: (status: number) => boolean = (s) => s === 200): T {
  if (!ok(answer.status)) fail(answer.body?.error?.message ?? `status ${answer.status}`);
  return answer.body;
}

/** Prints one JSON document on stdout: what `--json` gives. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
