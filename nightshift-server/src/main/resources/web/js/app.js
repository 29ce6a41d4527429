// Boot, sign-in and routing. URLs: / (no session open), /sessions/{id}, the pages /secrets and
// /automations (#<automation id> picks one out), and share links /s/{secret},
// whose token is taken out of the address bar before anything else. A person's token arrives in the
// address bar only as the last step of a sign-in this tab started (#token=…&ui_state=<its nonce>);
// any other token in a URL is ignored, and a signed-in person is never replaced without being asked.

import { h, clear, state } from './dom.js';
import { get, whenUnauthorized } from './api.js';
import { auth, loadToken, keepToken, forgetToken, personToken, takeSignInState } from './auth.js';
import { signInScreen } from './signin.js';
import { Sidebar } from './sidebar.js';
import { SessionView } from './session-view.js';
import { SecretsView } from './secrets-view.js';
import { AutomationsView } from './automations-view.js';
import { ConnectView } from './connect-view.js';

const root = document.getElementById('app');
let shell = null;

whenUnauthorized((error) => signIn(`You were signed out: ${error.message}.`));

export function navigate(path) {
  if (location.pathname !== path) history.pushState({}, '', path);
  route();
}

window.addEventListener('popstate', () => route());

async function boot() {
  const share = location.pathname.match(/^\/s\/([^/]+)$/);
  if (share) {
    history.replaceState({}, '', '/');
    try {
      const me = await get('/api/me', { token: decodeURIComponent(share[1]), quiet401: true });
      keepToken(decodeURIComponent(share[1]), me);
      if (me.tokenKind === 'share') history.replaceState({}, '', `/sessions/${me.sessionId}`);
      return start();
    } catch (e) {
      return signIn(e.status === 401 ? `This link no longer works: ${e.message}.` : e.message);
    }
  }
  const handedOver = signInInFragment();
  if (handedOver) {
    history.replaceState({}, '', location.pathname + location.search);
    if (handedOver.startedHere) return finishSignIn(handedOver.token);
  }
  if (!loadToken()) {
    return signIn(handedOver ? 'A sign-in link was ignored because it was not started in this browser. Sign in here.' : undefined);
  }
  try {
    auth.me = await get('/api/me', { quiet401: true });
  } catch (e) {
    if (e.status === 401) return signIn(`Your saved token was not accepted: ${e.message}.`);
    return fatal(e);
  }
  start();
}

/** {token, startedHere} when the address ends in #token=…; the nonce is checked (and used up) here. */
function signInInFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (!token) return null;
  return { token, startedHere: takeSignInState(fragment.get('ui_state')) };
}

/** The end of a sign-in this tab started: keep the new token, asking first if it is someone else's. */
async function finishSignIn(token) {
  let me;
  try {
    me = await get('/api/me', { token, quiet401: true });
  } catch (e) {
    return signIn(e.status === 401 ? `The sign-in did not work: ${e.message}.` : e.message);
  }
  const current = personToken();
  if (current && current !== token) {
    const currentMe = await get('/api/me', { token: current, quiet401: true }).catch(() => null);
    if (currentMe?.user && currentMe.user.id !== me.user?.id) return confirmSwitch(current, currentMe, token, me);
  }
  keepToken(token, me);
  start();
}

function confirmSwitch(current, currentMe, token, me) {
  const stay = () => {
    auth.token = current;
    auth.me = currentMe;
    start();
  };
  const change = () => {
    keepToken(token, me);
    start();
  };
  clear(root).append(h('main', { class: 'signin' },
    h('section', { class: 'signin-card', role: 'dialog', 'aria-labelledby': 'switch-title', id: 'switch-account' },
      h('h1', { id: 'switch-title' }, 'Switch account?'),
      h('p', {}, `Signed in as ${currentMe.user.login}; switch to ${me.user?.login ?? 'the new account'}?`),
      h('button', { type: 'button', class: 'button primary wide', onclick: change }, `Switch to ${me.user?.login ?? 'the new account'}`),
      h('button', { type: 'button', class: 'button wide', onclick: stay }, `Stay signed in as ${currentMe.user.login}`))));
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
  if (location.pathname === '/secrets' && !auth.isShareLink) return shell.showPage('/secrets', () => new SecretsView());
  if (location.pathname === '/connect' && !auth.isShareLink) return shell.showPage('/connect', () => new ConnectView());
  if (location.pathname === '/automations' && !auth.isShareLink) {
    const focusId = decodeURIComponent(location.hash.slice(1)) || null;
    return shell.showPage('/automations', () => new AutomationsView({ navigate, focusId }));
  }
  shell.show(match ? decodeURIComponent(match[1]) : null);
}

/** Where the sidebar is a drawer behind the menu button (the width layout.css folds it at). */
const PHONE = window.matchMedia('(max-width: 760px)');

/**
 * The signed-in layout: sidebar (not for share links) and the main area. On a phone the sidebar is
 * a drawer: the menu button opens it over the page, and picking anything in it, the scrim or Escape
 * closes it.
 */
class Shell {
  constructor() {
    this.main = h('main', { class: 'main', id: 'main' });
    this.sidebar = auth.isShareLink ? null : new Sidebar({ navigate, signOut: () => signIn() });
    if (this.sidebar) this.sidebar.el.id = 'sidebar';
    this.menuButton = this.sidebar ? h('button', {
      type: 'button', class: 'menu-button', 'aria-controls': 'sidebar', 'aria-expanded': 'false',
      onclick: () => this.toggleDrawer(),
    }, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }, '☰'), 'Sessions') : null;
    this.el = h('div', { class: `shell${auth.isShareLink ? ' shell-shared' : ''}` },
      h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
      this.sidebar ? h('header', { class: 'phone-bar' }, this.menuButton,
        h('span', { class: 'brand' }, h('img', { src: '/ui/icon.svg', alt: '', width: 22, height: 22 }), 'Nightshift')) : null,
      this.sidebar?.el,
      this.sidebar ? h('div', { class: 'drawer-scrim', 'aria-hidden': 'true', onclick: () => this.closeDrawer(true) }) : null,
      this.main);
    this.el.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.drawerOpen) this.closeDrawer(true);
    });
    // a phone turned sideways past the fold: the drawer is a sidebar again
    this.onWidth = () => { if (!PHONE.matches) this.closeDrawer(false); };
    PHONE.addEventListener('change', this.onWidth);
    this.view = null;
    this.sessionId = undefined;
  }

  get drawerOpen() {
    return this.el.classList.contains('drawer-open');
  }

  toggleDrawer() {
    if (this.drawerOpen) this.closeDrawer(true);
    else this.openDrawer();
  }

  openDrawer() {
    if (!this.sidebar || !PHONE.matches) return;
    this.el.classList.add('drawer-open');
    this.menuButton.setAttribute('aria-expanded', 'true');
    this.main.inert = true;
    (this.sidebar.el.querySelector('[aria-current=page]') ?? this.sidebar.el.querySelector('a, button'))?.focus();
  }

  /** @param refocus give the focus back to the menu button (closed by the person, not by a navigation) */
  closeDrawer(refocus) {
    if (!this.drawerOpen) return;
    this.el.classList.remove('drawer-open');
    this.menuButton.setAttribute('aria-expanded', 'false');
    this.main.inert = false;
    if (refocus) this.menuButton.focus();
  }

  /** A page of its own (Secrets, Automations) in the main area; no session is selected meanwhile. */
  showPage(path, makeView) {
    this.closeDrawer(false);
    this.sidebar?.select(null);
    this.sidebar?.markPage(path);
    this.sessionId = undefined;
    this.view?.destroy();
    this.view = makeView();
    clear(this.main).append(this.view.el);
  }

  show(sessionId) {
    this.closeDrawer(false);
    this.sidebar?.select(sessionId);
    this.sidebar?.markPage(null);
    if (sessionId === this.sessionId) return;
    this.sessionId = sessionId;
    this.view?.destroy();
    this.view = null;
    if (!sessionId) {
      clear(this.main).append(h('div', { class: 'welcome' },
        state('empty', 'No session open',
          'Pick a session from the list, or start a new one: give Nightshift a repository and ask for a change.',
          h('button', { type: 'button', class: 'button primary', onclick: () => { this.openDrawer(); this.sidebar?.openNewSession(); } },
            'New session'))));
      document.title = 'Nightshift';
      return;
    }
    this.view = new SessionView(sessionId, { navigate, onSeen: () => this.sidebar?.refresh() });
    clear(this.main).append(this.view.el);
  }

  destroy() {
    PHONE.removeEventListener('change', this.onWidth);
    this.view?.destroy();
    this.sidebar?.destroy();
  }
}

boot();
