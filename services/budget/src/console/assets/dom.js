// Building elements and saying things in the page's live regions.

import { ApiError } from './api.js';
import { state } from './state.js';
import { t } from './text.js';

/** The element with `id`. */
export const byId = (id) => document.getElementById(id);

/** Builds an element; `props` sets properties, `attrs` attributes; children are nodes or text. */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [name, value] of Object.entries(options.props ?? {})) node[name] = value;
  for (const [type, handler] of Object.entries(options.on ?? {})) node.addEventListener(type, handler);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Says something in the polite live region; each part is [key, vars]. */
export function announce(...parts) {
  state.status = parts;
  renderMessages();
}

/** Shows a refusal or problem in the alert region; each part is [key, vars]. */
export function showAlert(...parts) {
  state.alert = parts;
  renderMessages();
}

/** Empties both live regions. */
export function clearMessages() {
  state.status = [];
  state.alert = [];
  renderMessages();
}

/** Writes the live messages in the page language. */
export function renderMessages() {
  for (const [id, parts] of Object.entries({ status: state.status, alert: state.alert })) {
    const text = parts.map(([key, vars]) => t(key, vars)).join(' ');
    const region = byId(id);
    // Unchanged text is left alone so screen readers do not hear it twice.
    if (region.textContent !== text) region.textContent = text;
  }
}

/** A refusal as the service worded it (its code and message, verbatim). */
export function refusal(error) {
  return error instanceof ApiError
    ? ['error.refused', { code: error.code, message: error.message }]
    : ['error.refused', { code: 'ERROR', message: String(error?.message ?? error) }];
}
