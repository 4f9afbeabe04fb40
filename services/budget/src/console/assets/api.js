// The reviewer's token and the budget service's API, called with it.

import { state } from './state.js';
import { t } from './text.js';

/** Reads the claims of a JWT without verifying it (the service does); null when it is not a JWT. */
export function decodeClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') return null;
    return { user: payload.sub, role: payload.role, city: payload.city ?? null, exp: typeof payload.exp === 'number' ? payload.exp : null };
  } catch {
    return null;
  }
}

/** Whether the token's claims are past their expiry. */
export const isExpired = (claims) => claims.exp !== null && claims.exp * 1000 <= Date.now();

/** A refusal by the service, with its HTTP status and the service's own code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the budget service with the reviewer's token; a refusal becomes an ApiError with the service's own code and message. */
export async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${state.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', t('error.network', { message: error.message }));
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? text);
  }
  return json;
}
