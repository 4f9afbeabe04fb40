// The console's state and the rules it goes by: one object every module reads and changes.

/** Where the token is kept for the tab's session. */
export const TOKEN_KEY = 'fund.console.token';
/** Where the chosen language is remembered. */
export const LANG_KEY = 'fund.console.lang';
/** A month as the API takes it: YYYY-MM. */
export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
/** The stage whose plans each reviewer role decides. */
export const STAGE_FOR_ROLE = { hrss_reviewer: 'hrss_review', finance_reviewer: 'finance_review' };
/** The cycle API's decision endpoint of each reviewer role. */
export const DECISION_ENDPOINT = { hrss_reviewer: 'hrss-decision', finance_reviewer: 'finance-decision' };
/** The plan status a role decides on: a decided plan leaves the queue even before its city enters the next stage. */
export const PLAN_STATUS_FOR_ROLE = { hrss_reviewer: 'submitted', finance_reviewer: 'hrss_approved' };

/** Everything the page shows, drawn again by `render` after each change. */
export const state = {
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
