// The sign-in screen: paste the login token the server printed at start (or an API token).

import { h } from './dom.js';
import { get } from './api.js';
import { keepToken, startSignIn } from './auth.js';

export function signInScreen({ message, onSignedIn }) {
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false', placeholder: 'nsk_…', 'aria-describedby': 'token-help',
  });
  const error = h('p', { class: 'form-error', role: 'alert', id: 'signin-error' }, message ?? '');
  error.hidden = !message;
  const button = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in');
  // offered only when the server has a GitHub App configured for sign-in
  const gitHub = h('a', { class: 'button wide', href: '/auth/github/login', id: 'signin-github' }, 'Sign in with GitHub');
  gitHub.hidden = true;
  // the login route gets a nonce this tab keeps, so only a sign-in started here can hand a token back
  gitHub.addEventListener('click', (event) => {
    event.preventDefault();
    startSignIn('/auth/github/login');
  });
  // one button per OpenID provider the server names (Keycloak, Google, Entra, Okta…)
  const openId = h('div', { class: 'signin-providers', id: 'signin-oidc' });
  fetch('/auth/providers').then((r) => (r.ok ? r.json() : {})).then((p) => {
    gitHub.hidden = !p.github;
    for (const provider of p.oidc ?? []) {
      const link = h('a', { class: 'button wide', href: provider.loginUrl, 'data-provider': provider.name },
        `Sign in with ${provider.name}`);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        startSignIn(provider.loginUrl);
      });
      openId.append(link);
    }
  }).catch(() => {});

  const form = h('form', { class: 'signin-card', 'aria-labelledby': 'signin-title' },
    h('div', { class: 'brand brand-large' }, h('img', { src: '/ui/icon.svg', alt: '', width: 40, height: 40 }), 'Nightshift'),
    h('h1', { id: 'signin-title' }, 'Sign in'),
    h('p', { class: 'muted' }, 'Background coding agents on your own machine.'),
    h('label', { for: 'token' }, 'Token'),
    input,
    h('p', { class: 'hint', id: 'token-help' },
      'Paste the login token that ', h('code', {}, 'nightshift serve'), ' printed at start (also in ',
      h('code', {}, 'nightshift-data/admin-token'), '), or an API token. It stays in this browser.'),
    error,
    button,
    gitHub,
    openId);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      const me = await get('/api/me', { token, quiet401: true });
      keepToken(token, me);
      onSignedIn(me);
    } catch (e) {
      error.textContent = e.status === 401
        ? `That token was not accepted: ${e.message}. Paste the token the server printed at start.`
        : e.message;
      error.hidden = false;
      button.disabled = false;
      button.textContent = 'Sign in';
      input.focus();
      input.select();
    }
  });
  queueMicrotask(() => input.focus());
  return h('main', { class: 'signin' }, form);
}
