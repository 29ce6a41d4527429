// The "Linear" section of the Automations page, for administrators only: whether Nightshift is
// connected to Linear as its application and how (installed here through OAuth, or the static
// NIGHTSHIFT_LINEAR_ACCESS_TOKEN), what it was granted and when its token is renewed. "Connect Linear"
// asks the server for Linear's approval URL (as JSON: a page cannot follow a redirect to another
// origin that it fetched) and goes there; Linear brings the browser back to /linear/callback, which
// says whether it worked. "Disconnect" forgets the installation and revokes it at Linear. No token is
// ever shown: the server never sends one.

import { h, clear, state } from './dom.js';
import { get, del, ApiError } from './api.js';
import { auth } from './auth.js';
import { relativeTime, timeUntil } from './format.js';

export class LinearSection {
  constructor() {
    this.body = h('div', { class: 'linear-status' }, state('loading', 'Loading Linear…'));
    this.error = h('p', { class: 'form-error', role: 'alert', id: 'linear-error' });
    this.error.hidden = true;
    this.notice = h('p', { class: 'channels-notice', id: 'linear-notice', role: 'status', 'aria-live': 'polite' });
    this.el = h('section', { class: 'channels-section linear-section', id: 'linear', 'aria-labelledby': 'linear-title' },
      h('h2', { id: 'linear-title' }, 'Linear'),
      h('p', { class: 'hint block' },
        'Issues assigned or delegated to Nightshift’s Linear application start sessions, as the person who gave them. '
        + 'Connecting installs the application in your Linear workspace; a Linear workspace administrator approves it.'),
      this.notice,
      this.body,
      this.error);
    this.load();
  }

  async load() {
    try {
      this.render(await get('/api/linear'));
    } catch (e) {
      if (e.status === 401) return;
      clear(this.body).append(state('error', 'Linear could not be loaded', e.message,
        h('button', { type: 'button', class: 'button', onclick: () => this.load() }, 'Retry')));
    }
  }

  render(s) {
    const facts = [];
    const fact = (term, ...value) => facts.push(h('dt', {}, term), h('dd', {}, ...value));
    const when = (iso, text) => h('time', { datetime: iso, title: new Date(iso).toLocaleString() }, text);
    if (s.connected) {
      fact('Status', h('strong', { id: 'linear-state' }, s.method === 'oauth'
        ? 'Connected as the Linear application'
        : 'Connected with NIGHTSHIFT_LINEAR_ACCESS_TOKEN'));
      if (s.method === 'oauth') {
        if (s.scopes?.length) fact('Granted', s.scopes.map((scope, i) => [i ? ' ' : null, h('code', {}, scope)]));
        if (s.connectedAt) fact('Connected', when(s.connectedAt, relativeTime(s.connectedAt)));
        if (s.expiresAt) {
          fact('Token', 'expires ', when(s.expiresAt, timeUntil(s.expiresAt)),
            s.refreshable ? ', renewed automatically before then' : ', and cannot be renewed here: connect again');
        }
      } else {
        fact('Token', 'set in the configuration; it is never renewed here');
      }
    } else {
      fact('Status', h('strong', { id: 'linear-state' }, 'Not connected'));
      if (!s.installable) {
        fact('To connect', 'set NIGHTSHIFT_LINEAR_CLIENT_ID and NIGHTSHIFT_LINEAR_CLIENT_SECRET (the application’s, '
          + 'with the callback URL ', h('code', {}, s.callbackUrl), '), then connect here');
      }
    }
    if (!s.webhookSecretSet) {
      fact('Webhook', 'set NIGHTSHIFT_LINEAR_WEBHOOK_SECRET and send the application’s webhook to ',
        h('code', {}, s.webhookUrl));
    }
    const actions = [];
    if (s.installable) {
      actions.push(h('button', { type: 'button', class: `button small${s.method === 'oauth' ? '' : ' primary'}`,
        id: 'linear-connect', onclick: () => this.connect() }, s.method === 'oauth' ? 'Connect again' : 'Connect Linear'));
    }
    if (s.method === 'oauth') {
      actions.push(h('button', { type: 'button', class: 'button small danger', id: 'linear-disconnect',
        onclick: () => this.disconnect() }, 'Disconnect'));
    }
    clear(this.body).append(
      h('dl', { class: 'automation-facts' }, facts),
      actions.length ? h('div', { class: 'card-actions' }, actions) : null);
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  async connect() {
    this.error.hidden = true;
    let json = null;
    try {
      const response = await fetch('/api/linear/install', {
        headers: { Authorization: `Bearer ${auth.token}`, Accept: 'application/json', 'X-Nightshift-Source': 'web' },
      });
      json = await response.json().catch(() => null);
      if (!response.ok) {
        throw new ApiError(response.status, json?.error?.code ?? `http_${response.status}`,
          json?.error?.message ?? `the server answered ${response.status}`);
      }
    } catch (e) {
      this.showError(e instanceof ApiError ? e.message : 'Nightshift cannot be reached. Try again.');
      return;
    }
    location.assign(json.url);
  }

  async disconnect() {
    if (!confirm('Disconnect Linear? Nightshift stops acting in Linear until it is connected again.')) return;
    this.error.hidden = true;
    try {
      const answer = await del('/api/linear');
      this.notice.textContent = answer.message;
    } catch (e) {
      this.showError(e.message);
    }
    await this.load();
  }
}
