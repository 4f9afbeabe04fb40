import { ApplicationFailure } from '@temporalio/activity';
import { ErrorCode, errorBodySchema, NON_RETRYABLE_CODES } from '@fund/shared';

/** A JSON client for one service; failures become ApplicationFailures an operator can read. */
export interface ServiceClient {
  name: string;
  get<T>(path: string): Promise<T>;
  /** `timeoutMs`: how long to wait for the answer (30 s unless given). */
  post<T>(path: string, body: unknown, options?: { timeoutMs?: number }): Promise<T>;
}

/** Extra request headers, computed per call (a bearer token that is renewed before it expires). */
export type HeaderSource = () => Record<string, string> | Promise<Record<string, string>>;

/** An `authorization` header carrying the current token of `token`. */
export function bearer(token: () => Promise<string>): HeaderSource {
  return async () => ({ authorization: `Bearer ${await token()}` });
}

/**
 * Business rejections (4xx with the shared error body) fail the step for good with the
 * service's own code and message; outages and 5xx retry with backoff, still carrying the message.
 */
export function serviceClient(name: string, baseUrl: string, headers: HeaderSource = () => ({})): ServiceClient {
  async function call<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(await headers()) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw ApplicationFailure.retryable(
        `${name} service unreachable at ${baseUrl} (${(error as Error).cause ? String((error as Error).cause) : (error as Error).message})`,
        ErrorCode.ServiceUnavailable,
      );
    }
    const text = await response.text();
    if (response.ok) return (text ? JSON.parse(text) : undefined) as T;
    const parsed = errorBodySchema.safeParse(safeJson(text));
    const code = parsed.success ? parsed.data.error.code : response.status >= 500 ? ErrorCode.ServiceUnavailable : ErrorCode.Internal;
    const message = `${name} service answered ${response.status} to ${method} ${path.split('?')[0]}: ${
      parsed.success ? parsed.data.error.message : text.slice(0, 300) || response.statusText
    }`;
    const details = parsed.success ? parsed.data.error.details : undefined;
    if (response.status < 500 && NON_RETRYABLE_CODES.has(code)) {
      throw ApplicationFailure.create({ message, type: code, nonRetryable: true, details: details === undefined ? [] : [details] });
    }
    throw ApplicationFailure.create({ message, type: code, nonRetryable: false });
  }
  return {
    name,
    get: (path) => call('GET', path),
    post: (path, body, options) => call('POST', path, body, options?.timeoutMs),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
