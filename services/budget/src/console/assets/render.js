// The whole page drawn from the state: what stays, the session, the queue, the open plan.

import { renderDetail } from './detail.js';
import { byId, renderMessages } from './dom.js';
import { renderQueue } from './queue.js';
import { STAGE_FOR_ROLE, state } from './state.js';
import { t } from './text.js';

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

/** Draws the whole page from the state. */
export function render() {
  renderStatic();
  renderSession();
  renderQueue();
  renderDetail();
  renderMessages();
}
