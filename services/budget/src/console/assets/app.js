// The reviewer console: ES modules, no build step, no third-party code. It holds no data until
// a reviewer gives a token, and reads and decides only through the budget service's own API.
// This module starts the page; the others are loaded from it (see console.routes.ts).

import { loadQueue, setLanguage, signIn, signOut, startSession } from './actions.js';
import { decodeClaims, isExpired } from './api.js';
import { byId } from './dom.js';
import { render } from './render.js';
import { LANG_KEY, TOKEN_KEY, state } from './state.js';

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
