// The reviewer console: one ES module, no build step, no third-party code. It holds no data until
// a reviewer gives a token, and reads and decides only through the budget service's own API.
// Money arrives as integer fen in decimal strings and is handled with BigInt only, never floats.

const TOKEN_KEY = 'fund.console.token';
const LANG_KEY = 'fund.console.lang';
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
/** The stage whose plans each reviewer role decides. */
const STAGE_FOR_ROLE = { hrss_reviewer: 'hrss_review', finance_reviewer: 'finance_review' };
const DECISION_ENDPOINT = { hrss_reviewer: 'hrss-decision', finance_reviewer: 'finance-decision' };
/** The plan status a role decides on: a decided plan leaves the queue even before its city enters the next stage. */
const PLAN_STATUS_FOR_ROLE = { hrss_reviewer: 'submitted', finance_reviewer: 'hrss_approved' };

const state = {
  /** What /console/messages.json answers: { languages, messages: { en, 'zh-CN' }, cities }. */
  dict: null,
  lang: 'en',
  token: null,
  /** { user, role, city, exp } read from the token; the service verifies it on every call. */
  claims: null,
  /** The month's CycleView from GET /cycles/:month. */
  view: null,
  /** One per plan waiting for this reviewer: { status: CityStatus, budget, history }. */
  rows: [],
  /** Month the rows belong to. */
  rowsMonth: '',
  openCity: null,
  /** What the reviewer typed in the open plan, kept across re-renders: { reason, cuts: { [category]: { amount, count } } }. */
  draft: null,
  busy: false,
  /** Counts list loads, so an answer to an older request never replaces a newer one. */
  loads: 0,
  /** The live messages as [key, vars] pairs, so a language switch re-says them in the new language. */
  status: [],
  alert: [],
};

// ---------- text ----------

/**
 * The message `key` in the page's language with `{name}` filled from `vars`. A value may itself be
 * { key, vars } (another message) or { city } (a city's name): those are said in the page's language too.
 */
function t(key, vars = {}) {
  const messages = state.dict?.messages ?? {};
  const template = messages[state.lang]?.[key] ?? messages.en?.[key] ?? key;
  const say = (value) => {
    if (value !== null && typeof value === 'object' && 'key' in value) return t(value.key, value.vars);
    if (value !== null && typeof value === 'object' && 'city' in value) return cityName(value.city);
    return String(value);
  };
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? say(vars[name]) : whole));
}

function cityName(code) {
  return state.dict?.cities?.[code]?.[state.lang] ?? code;
}

/** Fen (a decimal string or bigint) as yuan for people: "¥1,234.56". */
export function formatYuan(fen) {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}

/** Fen as a plain yuan number for an input field: "1234.56". */
function yuanInputValue(fen) {
  const value = BigInt(fen);
  return `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;
}

/** Yuan typed by a person ("1,234.5", "¥1234.56", "1234") as a fen string; null when it is not an amount. */
export function parseYuan(text) {
  const match = /^\s*¥?\s*(\d[\d,]*)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const whole = match[1].replace(/,/g, '');
  if (!/^\d{1,16}$/.test(whole)) return null;
  return (BigInt(whole) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'))).toString();
}

function sumFen(lines) {
  return lines.reduce((total, line) => total + BigInt(line.amountFen), 0n);
}

/** An ISO instant in the province's time (UTC+8, no daylight saving): "2027-02-05 23:59". */
function formatInstant(iso) {
  if (!iso) return t('none');
  const local = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** The current month in the province (UTC+8). */
function currentMonth() {
  const local = new Date(Date.now() + 8 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

function previousMonth(month) {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) - 1;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

// ---------- token ----------

/** Reads the claims of a JWT without verifying it (the service does); null when it is not a JWT. */
function decodeClaims(token) {
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

const isExpired = (claims) => claims.exp !== null && claims.exp * 1000 <= Date.now();

// ---------- API ----------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the budget service with the reviewer's token; a refusal becomes an ApiError with the service's own code and message. */
async function api(method, path, body) {
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

// ---------- DOM helpers ----------

const byId = (id) => document.getElementById(id);

/** Builds an element; `props` sets properties, `attrs` attributes; children are nodes or text. */
function el(tag, options = {}, ...children) {
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
function announce(...parts) {
  state.status = parts;
  renderMessages();
}

/** Shows a refusal or problem in the alert region; each part is [key, vars]. */
function showAlert(...parts) {
  state.alert = parts;
  renderMessages();
}

function clearMessages() {
  state.status = [];
  state.alert = [];
  renderMessages();
}

function renderMessages() {
  for (const [id, parts] of Object.entries({ status: state.status, alert: state.alert })) {
    const text = parts.map(([key, vars]) => t(key, vars)).join(' ');
    const region = byId(id);
    // Unchanged text is left alone so screen readers do not hear it twice.
    if (region.textContent !== text) region.textContent = text;
  }
}

/** A refusal as the service worded it (its code and message, verbatim). */
function refusal(error) {
  return error instanceof ApiError ? ['error.refused', { code: error.code, message: error.message }] : ['error.refused', { code: 'ERROR', message: String(error?.message ?? error) }];
}

// ---------- rendering ----------

function renderStatic() {
  document.documentElement.lang = state.lang;
  document.title = t('page.title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  const other = state.lang === 'en' ? 'zh-CN' : 'en';
  const button = byId('lang');
  button.textContent = t('lang.switch');
  button.lang = other;
}

function renderSession() {
  const signedIn = state.claims !== null;
  byId('sign-in').hidden = signedIn;
  byId('sign-out').hidden = !signedIn;
  const who = byId('who');
  who.hidden = !signedIn;
  who.textContent = signedIn ? t('who', { user: state.claims.user, role: t(`role.${state.claims.role}`) }) : '';
  const reviewer = signedIn && Object.hasOwn(STAGE_FOR_ROLE, state.claims.role);
  byId('queue-section').hidden = !reviewer || state.openCity !== null;
  byId('detail').hidden = !reviewer || state.openCity === null;
}

function render() {
  renderStatic();
  renderSession();
  renderQueue();
  renderDetail();
  renderMessages();
}

function rowOf(cityCode) {
  return state.rows.find((row) => row.status.cityCode === cityCode) ?? null;
}

function lastMonthOf(row) {
  const previous = previousMonth(state.rowsMonth);
  const entry = row.history?.months?.find((m) => m.month === previous);
  if (!entry) return null;
  const fen = entry.approvedFen ?? entry.plannedFen;
  return fen === null ? { text: t('none'), entry } : { text: `${formatYuan(fen)} (${t(`planStatus.${entry.status}`)})`, entry };
}

function remainingText(row) {
  if (!row.budget) return t('queue.unavailable');
  return formatYuan(row.budget.remainingFen);
}

function renderQueue() {
  const holder = byId('queue');
  const summary = byId('cycle-summary');
  holder.replaceChildren();
  summary.textContent = '';
  if (!state.view || !state.claims) return;
  const stage = STAGE_FOR_ROLE[state.claims.role];
  summary.textContent = t('queue.summary', {
    month: state.view.month,
    status: t(`cycle.${state.view.status}`),
    total: state.view.cities.length,
    waiting: state.rows.length,
  });
  if (state.rows.length === 0) {
    holder.append(el('p', {}, t('queue.empty', { month: state.view.month })));
    return;
  }
  const head = el(
    'tr',
    {},
    el('th', { attrs: { scope: 'col' } }, t('queue.city')),
    el('th', { attrs: { scope: 'col' } }, t('queue.version')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('queue.plan')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('queue.remaining', { year: state.rowsMonth.slice(0, 4) })),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('queue.lastMonth', { month: previousMonth(state.rowsMonth) })),
    el('th', { attrs: { scope: 'col' } }, t('queue.deadline')),
    el('th', { attrs: { scope: 'col' } }, t('queue.action')),
  );
  const body = state.rows.map((row) => {
    const { status } = row;
    const planFen = sumFen(status.plan.lines);
    const overBudget = row.budget !== null && planFen > BigInt(row.budget.remainingFen);
    const name = cityName(status.cityCode);
    return el(
      'tr',
      { attrs: { 'data-row': status.cityCode } },
      el('th', { attrs: { scope: 'row' } }, name, ' ', el('span', { attrs: { class: 'hint' } }, status.cityCode)),
      el('td', {}, String(status.plan.version)),
      el('td', { attrs: { class: 'money', 'data-plan': status.cityCode } }, formatYuan(planFen), overBudget ? el('span', { attrs: { class: 'flag' } }, t('queue.overBudget')) : null),
      el('td', { attrs: { class: 'money' } }, remainingText(row)),
      el('td', { attrs: { class: 'money' } }, lastMonthOf(row)?.text ?? t('queue.unavailable')),
      el('td', {}, formatInstant(status.deadline), status.overdue ? el('span', { attrs: { class: 'flag' } }, t('queue.overdue')) : null),
      el(
        'td',
        {},
        el(
          'button',
          { attrs: { type: 'button', 'data-city': status.cityCode, 'aria-label': t('queue.openLabel', { city: name }) }, on: { click: () => openDetail(status.cityCode) } },
          t('queue.open'),
        ),
      ),
    );
  });
  holder.append(
    el(
      'table',
      { attrs: { id: 'queue-table' } },
      el('caption', {}, t('queue.caption', { stage: t(`stage.${stage}`), month: state.rowsMonth })),
      el('thead', {}, head),
      el('tbody', {}, body),
    ),
  );
}

function renderDetail() {
  const section = byId('detail');
  section.replaceChildren();
  const row = state.openCity ? rowOf(state.openCity) : null;
  if (!row || !state.claims) return;
  const { status } = row;
  const plan = status.plan;
  const name = cityName(status.cityCode);
  const finance = state.claims.role === 'finance_reviewer';
  const planFen = sumFen(plan.lines);
  const budgetByCategory = new Map((row.budget?.lines ?? []).map((line) => [line.category, line]));
  const draft = state.draft;

  const lineRows = plan.lines.map((line) => {
    const label = t(`category.${line.category}`);
    const remaining = budgetByCategory.get(line.category);
    const cells = [
      el('th', { attrs: { scope: 'row' } }, label),
      el('td', { attrs: { class: 'money' } }, String(line.count)),
      el('td', { attrs: { class: 'money' } }, formatYuan(line.amountFen)),
      el('td', { attrs: { class: 'money' } }, remaining ? formatYuan(remaining.remainingFen) : t('queue.unavailable')),
    ];
    if (finance) {
      const cut = draft.cuts[line.category];
      cells.push(
        el(
          'td',
          {},
          el('input', {
            attrs: { id: `cut-count-${line.category}`, class: 'count-input', inputmode: 'numeric', autocomplete: 'off', 'aria-label': t('detail.cutCountLabel', { category: label }) },
            props: { value: cut.count },
            on: { input: (event) => (cut.count = event.target.value) },
          }),
        ),
        el(
          'td',
          {},
          el('input', {
            attrs: { id: `cut-amount-${line.category}`, class: 'amount-input', inputmode: 'decimal', autocomplete: 'off', 'aria-label': t('detail.cutAmountLabel', { category: label }) },
            props: { value: cut.amount },
            on: { input: (event) => (cut.amount = event.target.value) },
          }),
        ),
      );
    }
    return el('tr', {}, cells);
  });

  const lineHead = [
    el('th', { attrs: { scope: 'col' } }, t('detail.category')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('detail.count')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('detail.amount')),
    el('th', { attrs: { scope: 'col', class: 'money' } }, t('detail.categoryRemaining')),
  ];
  if (finance) lineHead.push(el('th', { attrs: { scope: 'col' } }, t('detail.cutCount')), el('th', { attrs: { scope: 'col' } }, t('detail.cutAmount')));

  const history = (row.history?.months ?? []).map((m) =>
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' } }, m.month),
      el('td', {}, t(`planStatus.${m.status}`)),
      el('td', { attrs: { class: 'money' } }, m.plannedFen === null ? t('none') : formatYuan(m.plannedFen)),
      el('td', { attrs: { class: 'money' } }, m.approvedFen === null ? t('none') : formatYuan(m.approvedFen)),
    ),
  );

  const decisions = status.decisions.map((d) =>
    el(
      'li',
      {},
      t('decision.entry', {
        at: formatInstant(d.at),
        version: d.planVersion,
        step: t(`step.${d.step}`),
        decision: t(`kind.${d.decision}`),
        user: d.userId,
        role: t(`role.${d.role}`),
      }),
      d.reason ? el('div', {}, t('decision.reason', { reason: d.reason })) : null,
    ),
  );

  const decide = (kind) => () => sendDecision(kind);
  section.append(
    el('h2', { attrs: { id: 'detail-heading', tabindex: '-1' } }, t('detail.heading', { city: name, month: status.month, version: plan.version })),
    el('button', { attrs: { type: 'button', id: 'back', class: 'secondary' }, on: { click: closeDetail } }, t('detail.back')),
    el('p', {}, t('detail.stage', { stage: t(`stage.${status.stage}`), deadline: formatInstant(status.deadline) }), status.overdue ? el('span', { attrs: { class: 'flag' } }, t('queue.overdue')) : null),
    el(
      'p',
      { attrs: { class: 'compare', id: 'compare' } },
      t('detail.compare', { plan: formatYuan(planFen), remaining: remainingText(row), last: lastMonthOf(row)?.text ?? t('queue.unavailable') }),
    ),
    el('h3', { attrs: { id: 'lines-heading' } }, t('detail.lines')),
    el(
      'table',
      { attrs: { id: 'lines', 'aria-labelledby': 'lines-heading' } },
      el('thead', {}, el('tr', {}, lineHead)),
      el('tbody', {}, lineRows),
      el(
        'tfoot',
        {},
        el(
          'tr',
          {},
          el('th', { attrs: { scope: 'row' } }, t('detail.total')),
          el('td', { attrs: { class: 'money' } }, String(plan.lines.reduce((n, l) => n + l.count, 0))),
          el('td', { attrs: { class: 'money' } }, formatYuan(planFen)),
          el('td', { attrs: { class: 'money' } }, remainingText(row)),
          finance ? el('td', { attrs: { colspan: '2' } }) : null,
        ),
      ),
    ),
    el(
      'div',
      { attrs: { class: 'cols' } },
      el(
        'div',
        {},
        el('h3', { attrs: { id: 'history-heading' } }, t('detail.history', { city: name })),
        el(
          'table',
          { attrs: { 'aria-labelledby': 'history-heading' } },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { attrs: { scope: 'col' } }, t('history.month')),
              el('th', { attrs: { scope: 'col' } }, t('history.status')),
              el('th', { attrs: { scope: 'col', class: 'money' } }, t('history.planned')),
              el('th', { attrs: { scope: 'col', class: 'money' } }, t('history.approved')),
            ),
          ),
          el('tbody', {}, history),
        ),
      ),
      el(
        'div',
        {},
        el('h3', {}, t('detail.decisions')),
        decisions.length ? el('ol', { attrs: { class: 'decisions' } }, decisions) : el('p', {}, t('detail.noDecisions')),
      ),
    ),
    el('h3', { attrs: { id: 'decide-heading' } }, t('decide.heading')),
    el(
      'div',
      { attrs: { role: 'group', 'aria-labelledby': 'decide-heading' } },
      el('label', { attrs: { for: 'reason' } }, t('decide.reason')),
      el('textarea', { attrs: { id: 'reason', rows: '3', maxlength: '2000' }, props: { value: draft.reason }, on: { input: (event) => (state.draft.reason = event.target.value) } }),
      el(
        'div',
        { attrs: { class: 'actions' } },
        el('button', { attrs: { type: 'button', id: 'approve' }, on: { click: decide('approve') } }, t('decide.approve')),
        el('button', { attrs: { type: 'button', id: 'return', class: 'danger' }, on: { click: decide('return') } }, t('decide.return')),
        finance ? el('button', { attrs: { type: 'button', id: 'cut', class: 'secondary' }, on: { click: decide('cut') } }, t('decide.cut')) : null,
      ),
    ),
  );
}

// ---------- actions ----------

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  render();
}

function signIn(event) {
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
function startSession() {
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

function signOut(message = ['signIn.signedOut'], isAlert = false) {
  sessionStorage.removeItem(TOKEN_KEY);
  Object.assign(state, { token: null, claims: null, view: null, rows: [], rowsMonth: '', openCity: null, draft: null, busy: false, status: [], alert: [], loads: state.loads + 1 });
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
async function loadQueue(prefix = null) {
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

function openDetail(cityCode) {
  const row = rowOf(cityCode);
  if (!row) return;
  clearMessages();
  state.openCity = cityCode;
  state.draft = {
    reason: '',
    cuts: Object.fromEntries(row.status.plan.lines.map((line) => [line.category, { amount: yuanInputValue(line.amountFen), count: String(line.count) }])),
  };
  render();
  byId('detail-heading').focus();
}

function closeDetail() {
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
async function sendDecision(kind) {
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
  const done = ['decide.done', { city, version: status.plan.version, decision: { key: `kind.${kind}` }, status: { key: `planStatus.${result.plan?.status ?? 'submitted'}` } }];
  render();
  byId('queue-heading').focus();
  await loadQueue(done);
}

// ---------- start ----------

async function main() {
  const response = await fetch('/console/messages.json', { cache: 'no-store' });
  state.dict = await response.json();
  const saved = localStorage.getItem(LANG_KEY);
  state.lang = state.dict.languages.includes(saved) ? saved : navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';

  byId('lang').addEventListener('click', () => setLanguage(state.lang === 'en' ? 'zh-CN' : 'en'));
  byId('sign-in-form').addEventListener('submit', signIn);
  byId('sign-out').addEventListener('click', () => signOut());
  byId('month-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadQueue();
  });

  const token = sessionStorage.getItem(TOKEN_KEY);
  const claims = token ? decodeClaims(token) : null;
  if (token && claims && !isExpired(claims)) {
    state.token = token;
    state.claims = claims;
    startSession();
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
    render();
  }
  document.body.dataset.ready = 'true';
}

void main();
