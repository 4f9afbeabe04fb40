// What the reviewer does: sign in and out, load a month, open a plan, decide.

import { api, ApiError, decodeClaims, isExpired } from './api.js';
import { announce, byId, clearMessages, refusal, showAlert } from './dom.js';
import { rowOf } from './queue.js';
import { render } from './render.js';
import { DECISION_ENDPOINT, LANG_KEY, MONTH_RE, PLAN_STATUS_FOR_ROLE, STAGE_FOR_ROLE, TOKEN_KEY, state } from './state.js';
import { currentMonth, formatInstant, parseYuan, yuanInputValue } from './text.js';

/** Switches the page to `lang` and remembers the choice. */
export function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  render();
}

/** Takes the token typed in, if it is a JWT that has not expired. */
export function signIn(event) {
  event.preventDefault();
  clearMessages();
  const input = byId('token');
  const token = input.value.trim();
  const claims = decodeClaims(token);
  if (!claims) {
    showAlert(['signIn.notToken']);
    input.focus();
    return;
  }
  if (isExpired(claims)) {
    showAlert(['signIn.expired', { at: formatInstant(new Date(claims.exp * 1000).toISOString()) }]);
    input.focus();
    return;
  }
  input.value = '';
  sessionStorage.setItem(TOKEN_KEY, token);
  state.token = token;
  state.claims = claims;
  startSession();
}

/** After a token is taken: show the reviewer's list for the chosen month, or say why there is none. */
export function startSession() {
  state.view = null;
  state.rows = [];
  state.openCity = null;
  render();
  if (!Object.hasOwn(STAGE_FOR_ROLE, state.claims.role)) {
    announce(['who.notReviewer', { role: { key: `role.${state.claims.role}` } }]);
    byId('sign-out').focus();
    return;
  }
  const month = byId('month');
  if (!MONTH_RE.test(month.value)) month.value = currentMonth();
  month.focus();
  void loadQueue();
}

/** Forgets the token and everything read with it; `message` says why. */
export function signOut(message = ['signIn.signedOut'], isAlert = false) {
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(state, {
    token: null,
    claims: null,
    view: null,
    rows: [],
    rowsMonth: '',
    openCity: null,
    draft: null,
    busy: false,
    status: [],
    alert: [],
    loads: state.loads + 1,
  });
  render();
  if (isAlert) showAlert(message);
  else announce(message);
  byId('token').focus();
}

/** True when the error ended the session (the service no longer accepts the token). */
function endsSession(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(['signIn.rejected', { code: error.code, message: error.message }], true);
    return true;
  }
  return false;
}

/** Loads the month's cycle and, for each plan waiting for this reviewer, its budget and history. */
export async function loadQueue(prefix = null) {
  const month = byId('month').value.trim();
  if (!MONTH_RE.test(month)) {
    showAlert(['month.invalid']);
    byId('month').focus();
    return;
  }
  const load = ++state.loads;
  state.alert = [];
  announce(['queue.loading', { month }]);
  const stage = STAGE_FOR_ROLE[state.claims.role];
  let view;
  try {
    view = await api('GET', `/cycles/${month}`);
  } catch (error) {
    if (load !== state.loads || endsSession(error)) return;
    Object.assign(state, { view: null, rows: [], rowsMonth: month, status: [], alert: [refusal(error)] });
    render();
    return;
  }
  const planStatus = PLAN_STATUS_FOR_ROLE[state.claims.role];
  const waiting = view.cities.filter((city) => city.stage === stage && city.plan?.status === planStatus);
  let partial = null;
  const soft = (promise) =>
    promise.catch((error) => {
      partial ??= error;
      return null;
    });
  const rows = await Promise.all(
    waiting.map(async (status) => {
      const [budget, history] = await Promise.all([
        soft(api('GET', `/budgets/remaining/${month}/${status.cityCode}`)),
        soft(api('GET', `/history/${status.cityCode}?months=6&until=${month}`)),
      ]);
      return { status, budget, history };
    }),
  );
  if (load !== state.loads || (partial && endsSession(partial))) return;
  Object.assign(state, { view, rows, rowsMonth: month });
  render();
  const done = rows.length ? ['queue.loaded', { count: rows.length, month }] : ['queue.empty', { month }];
  announce(...(prefix ? [prefix, done] : [done]));
  if (partial) showAlert(['queue.partial', { code: partial.code ?? 'ERROR', message: partial.message }]);
}

/** Opens a city's plan for review. */
export function openDetail(cityCode) {
  const row = rowOf(cityCode);
  if (!row) return;
  clearMessages();
  state.openCity = cityCode;
  state.draft = {
    reason: '',
    cuts: Object.fromEntries(
      row.status.plan.lines.map((line) => [line.category, { amount: yuanInputValue(line.amountFen), count: String(line.count) }]),
    ),
  };
  render();
  byId('detail-heading').focus();
}

/** Goes back to the queue, focused on the plan that was open. */
export function closeDetail() {
  const city = state.openCity;
  state.openCity = null;
  state.draft = null;
  clearMessages();
  render();
  const button = document.querySelector(`button[data-city="${city}"]`);
  (button ?? byId('queue-heading')).focus();
}

/** Reads the cut lines from the inputs; null (with the reason shown and the field focused) when one is not valid. */
function cutLines(plan) {
  const lines = [];
  for (const line of plan.lines) {
    const cut = state.draft.cuts[line.category];
    const label = { key: `category.${line.category}` };
    const amountFen = parseYuan(cut.amount);
    if (amountFen === null) {
      showAlert(['decide.badAmount', { category: label }]);
      byId(`cut-amount-${line.category}`).focus();
      return null;
    }
    if (!/^\d+$/.test(cut.count.trim())) {
      showAlert(['decide.badCount', { category: label }]);
      byId(`cut-count-${line.category}`).focus();
      return null;
    }
    lines.push({ category: line.category, count: Number(cut.count.trim()), amountFen });
  }
  return lines;
}

/** Sends the reviewer's decision; the service's refusal is shown as it came. */
export async function sendDecision(kind) {
  if (state.busy) return;
  const row = rowOf(state.openCity);
  if (!row) return;
  const { status } = row;
  clearMessages();
  const body = { planVersion: status.plan.version, decision: kind };
  const reason = state.draft.reason.trim();
  if (reason) body.reason = reason;
  if (kind === 'cut') {
    const lines = cutLines(status.plan);
    if (!lines) return;
    body.lines = lines;
  }
  const city = { city: status.cityCode };
  const buttons = [...document.querySelectorAll('#detail .actions button')];
  state.busy = true;
  for (const button of buttons) button.setAttribute('aria-disabled', 'true');
  byId('detail').setAttribute('aria-busy', 'true');
  announce(['decide.sending', { city }]);
  let result;
  try {
    result = await api('POST', `/cycles/${status.month}/cities/${status.cityCode}/${DECISION_ENDPOINT[state.claims.role]}`, body);
  } catch (error) {
    state.busy = false;
    byId('detail').removeAttribute('aria-busy');
    for (const button of buttons) button.removeAttribute('aria-disabled');
    if (endsSession(error)) return;
    state.status = [];
    showAlert(['decide.refused', refusal(error)[1]]);
    return;
  }
  state.busy = false;
  state.openCity = null;
  state.draft = null;
  // The Update answers as soon as the decision is recorded; the plan's status says where it now stands.
  const done = [
    'decide.done',
    {
      city,
      version: status.plan.version,
      decision: { key: `kind.${kind}` },
      status: { key: `planStatus.${result.plan?.status ?? 'submitted'}` },
    },
  ];
  render();
  byId('queue-heading').focus();
  await loadQueue(done);
}
