// The sidebar: who is signed in, the new-session form, and the sessions (mine or all) with their
// status, repository and an unread marker. The list refreshes itself every few seconds.

import { h, clear, state, iconButton } from './dom.js';
import { get, post } from './api.js';
import { auth } from './auth.js';
import { relativeTime, repositoryName, sessionTitle } from './format.js';
import { isUnread } from './unread.js';
import { lineage, nest } from './session-tree.js';

const REFRESH_MS = 5000;
const SCOPE_KEY = 'nightshift.sessionScope';

export class Sidebar {
  constructor({ navigate, signOut }) {
    this.navigate = navigate;
    this.selected = null;
    this.scope = localStorage.getItem(SCOPE_KEY) ?? 'mine';
    this.sessions = null;
    this.list = h('nav', { class: 'session-list', 'aria-label': 'Sessions' });
    this.form = this.newSessionForm();
    this.form.hidden = true;
    this.newButton = h('button', {
      type: 'button', class: 'button primary wide', 'aria-expanded': 'false', 'aria-controls': 'new-session',
      onclick: () => this.toggleForm(),
    }, '+ New session');

    this.el = h('aside', { class: 'sidebar' },
      h('div', { class: 'sidebar-head' },
        h('a', { class: 'brand', href: '/', onclick: (e) => { e.preventDefault(); navigate('/'); } },
          h('img', { src: '/ui/icon.svg', alt: '', width: 24, height: 24 }), 'Nightshift'),
        h('div', { class: 'whoami' },
          h('span', { class: 'login', title: auth.isAdmin ? 'administrator' : '' }, auth.login),
          iconButton('Sign out', '⎋', signOut))),
      this.newButton,
      this.form,
      this.scopeSwitch(),
      this.list,
      h('nav', { class: 'sidebar-pages', 'aria-label': 'Pages' },
        this.pageLink('/automations', 'automations-link', 'Automations'),
        this.pageLink('/secrets', 'secrets-link', 'Secrets')));
    this.renderList();
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  destroy() {
    clearInterval(this.timer);
  }

  pageLink(path, id, label) {
    return h('a', { class: 'sidebar-link', href: path, id, dataset: { page: path },
      onclick: (e) => { e.preventDefault(); this.navigate(path); } }, label);
  }

  /** Marks the link of the page on show (null: a session or the start page). */
  markPage(path) {
    for (const link of this.el.querySelectorAll('.sidebar-link')) {
      if (link.dataset.page === path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  select(sessionId) {
    this.selected = sessionId;
    for (const link of this.list.querySelectorAll('a[data-session-id]')) {
      const current = link.dataset.sessionId === sessionId;
      link.classList.toggle('selected', current);
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
      // the session opened is being read: its marker goes now, not at the next refresh
      if (current) {
        link.classList.remove('unread');
        link.querySelector('.unread-dot')?.remove();
      }
    }
  }

  openNewSession() {
    if (this.form.hidden) this.toggleForm();
  }

  toggleForm() {
    this.form.hidden = !this.form.hidden;
    this.newButton.setAttribute('aria-expanded', String(!this.form.hidden));
    if (!this.form.hidden) this.form.querySelector('input')?.focus();
  }

  scopeSwitch() {
    const option = (value, label) => {
      const input = h('input', { type: 'radio', name: 'scope', value, id: `scope-${value}`, checked: this.scope === value });
      input.addEventListener('change', () => {
        this.scope = value;
        localStorage.setItem(SCOPE_KEY, value);
        this.sessions = null;
        this.renderList();
        this.refresh();
      });
      return [input, h('label', { for: `scope-${value}` }, label)];
    };
    return h('fieldset', { class: 'segmented' },
      h('legend', { class: 'visually-hidden' }, 'Show sessions'),
      option('mine', 'Mine'), option('all', auth.isAdmin ? 'All' : 'Shared with me'));
  }

  newSessionForm() {
    const field = (id, label, attrs, hint) => h('div', { class: 'field' },
      h('label', { for: id }, label),
      h('input', { id, name: id, ...attrs }),
      hint ? h('p', { class: 'hint' }, hint) : null);
    const error = h('p', { class: 'form-error', role: 'alert' });
    error.hidden = true;
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Start session');
    const form = h('form', { class: 'new-session', id: 'new-session', 'aria-label': 'New session' },
      field('repository', 'Repository', { required: true, placeholder: 'https://… or /path/to/repo', spellcheck: 'false' },
        'A git URL or an absolute path on the server.'),
      field('baseBranch', 'Base branch', { placeholder: 'main', spellcheck: 'false' }),
      field('model', 'Model', { placeholder: 'server default', spellcheck: 'false' }),
      field('title', 'Title', { placeholder: 'optional' }),
      h('div', { class: 'field checkbox' },
        h('label', { for: 'planFirst' }, h('input', { type: 'checkbox', id: 'planFirst', name: 'planFirst' }), ' Plan first'),
        h('p', { class: 'hint' }, 'The agent proposes a plan; nothing changes until someone approves it.')),
      error,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => this.toggleForm() }, 'Cancel'),
        submit));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (name) => form.elements[name].value.trim() || undefined;
      submit.disabled = true;
      error.hidden = true;
      try {
        const session = await post('/api/sessions', {
          repository: value('repository'), baseBranch: value('baseBranch'), model: value('model'), title: value('title'),
          ...(form.elements.planFirst.checked ? { settings: { planFirst: true } } : {}),
        });
        form.reset();
        this.toggleForm();
        await this.refresh();
        this.navigate(`/sessions/${session.id}`);
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  async refresh() {
    try {
      const query = this.scope === 'mine' ? '?mine=true&limit=100' : '?limit=100';
      const page = await get(`/api/sessions${query}`);
      this.sessions = page.sessions;
      this.error = null;
    } catch (e) {
      if (e.status === 401) return;
      this.error = e;
    }
    this.renderList();
  }

  renderList() {
    clear(this.list);
    if (this.error && !this.sessions) {
      this.list.append(state('error', 'Sessions could not be loaded', this.error.message,
        h('button', { type: 'button', class: 'button', onclick: () => this.refresh() }, 'Retry')));
      return;
    }
    if (!this.sessions) {
      this.list.append(h('div', { class: 'skeleton-list', role: 'status', 'aria-label': 'Loading sessions' },
        [1, 2, 3].map(() => h('div', { class: 'skeleton-row' }))));
      return;
    }
    if (this.sessions.length === 0) {
      this.list.append(state('empty', this.scope === 'mine' ? 'No sessions yet' : 'Nothing shared with you yet',
        'Start one with “New session”.'));
      return;
    }
    // forks and child sessions sit under their parent when it is listed too: the session tree
    this.list.append(this.branch(nest(this.sessions)));
    this.select(this.selected);
  }

  branch(nodes, nested = false) {
    return h('ul', { class: nested ? 'session-children' : null }, nodes.map((node) => this.item(node.session, node.children)));
  }

  item(session, children = []) {
    const unread = session.id !== this.selected && isUnread(session);
    const kind = lineage(session);
    return h('li', {},
      h('a', {
        href: `/sessions/${session.id}`, class: `session-item${unread ? ' unread' : ''}`,
        dataset: { sessionId: session.id },
        onclick: (e) => { e.preventDefault(); this.navigate(`/sessions/${session.id}`); },
      },
      h('span', { class: 'session-item-title' },
        kind ? h('span', { class: `lineage lineage-${kind}`, title: kind === 'fork' ? 'a fork of another session' : 'started by another session’s agent' },
          '↳ ') : null,
        sessionTitle(session)),
      unread ? h('span', { class: 'unread-dot', role: 'img', 'aria-label': 'new activity' }) : null,
      h('span', { class: 'session-item-meta' },
        h('span', { class: `status status-${session.status}` }, session.status),
        session.origin?.kind === 'automation' ? h('span', { class: 'origin-mark', title: 'Started by an automation' },
          h('span', { 'aria-hidden': 'true' }, 'auto'), h('span', { class: 'visually-hidden' }, 'started by an automation')) : null,
        h('span', { class: 'repo', title: session.repository }, repositoryName(session.repository)),
        h('time', { datetime: session.updatedAt }, relativeTime(session.updatedAt)))),
      children.length ? this.branch(children, true) : null);
  }
}
