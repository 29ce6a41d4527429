// Boot, sign-in and routing. URLs: / (no session open), /sessions/{id}, and share links /s/{secret}
// (or any URL with ?token=), whose token is taken out of the address bar before anything else.

import { h, clear, state } from './dom.js';
import { get, whenUnauthorized } from './api.js';
import { auth, loadToken, keepToken, forgetToken } from './auth.js';
import { signInScreen } from './signin.js';
import { Sidebar } from './sidebar.js';
import { SessionView } from './session-view.js';

const root = document.getElementById('app');
let shell = null;

whenUnauthorized((error) => signIn(`You were signed out: ${error.message}.`));

export function navigate(path) {
  if (location.pathname !== path) history.pushState({}, '', path);
  route();
}

window.addEventListener('popstate', () => route());

async function boot() {
  const fromUrl = tokenInUrl();
  if (fromUrl) {
    history.replaceState({}, '', fromUrl.rest);
    try {
      const me = await get('/api/me', { token: fromUrl.token, quiet401: true });
      keepToken(fromUrl.token, me);
      if (me.tokenKind === 'share') history.replaceState({}, '', `/sessions/${me.sessionId}`);
      return start();
    } catch (e) {
      return signIn(e.status === 401 ? `This link no longer works: ${e.message}.` : e.message);
    }
  }
  if (!loadToken()) return signIn();
  try {
    auth.me = await get('/api/me', { quiet401: true });
  } catch (e) {
    if (e.status === 401) return signIn(`Your saved token was not accepted: ${e.message}.`);
    return fatal(e);
  }
  start();
}

function tokenInUrl() {
  const share = location.pathname.match(/^\/s\/([^/]+)$/);
  if (share) return { token: decodeURIComponent(share[1]), rest: '/' };
  // GitHub sign-in hands the new token over in the fragment, which no server or Referer ever sees
  const fragment = location.hash.match(/^#token=([^&]+)$/);
  if (fragment) return { token: decodeURIComponent(fragment[1]), rest: location.pathname + location.search };
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const query = params.toString();
  return { token, rest: location.pathname + (query ? `?${query}` : '') + location.hash };
}

function signIn(message) {
  shell?.destroy();
  shell = null;
  forgetToken();
  if (location.pathname.startsWith('/s/')) history.replaceState({}, '', '/');
  clear(root).append(signInScreen({ message, onSignedIn: () => start() }));
}

function fatal(error) {
  clear(root).append(h('main', { class: 'signin' },
    state('error', 'Nightshift could not start', error.message,
      h('button', { type: 'button', class: 'button', onclick: () => location.reload() }, 'Try again'))));
}

function start() {
  shell = new Shell();
  clear(root).append(shell.el);
  route();
}

function route() {
  if (!shell) return;
  const match = location.pathname.match(/^\/sessions\/([^/]+)$/);
  if (auth.isShareLink && (!match || match[1] !== auth.me.sessionId)) {
    history.replaceState({}, '', `/sessions/${auth.me.sessionId}`);
    return route();
  }
  shell.show(match ? decodeURIComponent(match[1]) : null);
}

/** The signed-in layout: sidebar (not for share links) and the main area. */
class Shell {
  constructor() {
    this.main = h('main', { class: 'main', id: 'main' });
    this.sidebar = auth.isShareLink ? null : new Sidebar({ navigate, signOut: () => signIn() });
    this.el = h('div', { class: `shell${auth.isShareLink ? ' shell-shared' : ''}` },
      h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
      this.sidebar?.el, this.main);
    this.view = null;
    this.sessionId = undefined;
  }

  show(sessionId) {
    this.sidebar?.select(sessionId);
    if (sessionId === this.sessionId) return;
    this.sessionId = sessionId;
    this.view?.destroy();
    this.view = null;
    if (!sessionId) {
      clear(this.main).append(h('div', { class: 'welcome' },
        state('empty', 'No session open',
          'Pick a session on the left, or start a new one: give Nightshift a repository and ask for a change.',
          h('button', { type: 'button', class: 'button primary', onclick: () => this.sidebar?.openNewSession() },
            'New session'))));
      document.title = 'Nightshift';
      return;
    }
    this.view = new SessionView(sessionId, { navigate, onSeen: () => this.sidebar?.refresh() });
    clear(this.main).append(this.view.el);
  }

  destroy() {
    this.view?.destroy();
    this.sidebar?.destroy();
  }
}

boot();
