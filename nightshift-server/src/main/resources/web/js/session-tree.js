// The sessions a session branches from and into: forks ("Branch from here") and the child sessions
// its agent started, as a nested list with each one's status, the open session marked. Used in the
// details panel of a session; the sidebar nests its list the same way (see nest()).

import { h, clear } from './dom.js';
import { get } from './api.js';
import { sessionTitle } from './format.js';

/**
 * Sessions as a forest: each one under its parent when the parent is in the list too, in list
 * order. Returns [{ session, children: [...] }].
 */
export function nest(sessions) {
  const nodes = new Map(sessions.map((s) => [s.id, { session: s, children: [] }]));
  const roots = [];
  for (const node of nodes.values()) {
    const parent = node.session.parentId ? nodes.get(node.session.parentId) : null;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** How a session came from its parent, in a word. */
export function lineage(session) {
  if (!session.parentId) return null;
  return session.forkedAtSeq != null ? 'fork' : 'child';
}

export class SessionTree {
  constructor(sessionId, { navigate }) {
    this.sessionId = sessionId;
    this.navigate = navigate;
    this.body = h('div', { class: 'session-tree' });
    const id = 'details-branches';
    this.el = h('section', { class: 'details-section', 'aria-labelledby': id },
      h('h2', { class: 'section-title', id }, 'Branches'), this.body);
    this.sessions = [];
  }

  async refresh() {
    try {
      const tree = await get(`/api/sessions/${encodeURIComponent(this.sessionId)}/tree`);
      this.sessions = tree.sessions;
    } catch {
      return; // keeps what it showed; the next turn's end tries again
    }
    this.render();
  }

  /** The session's own parent, if the tree holds it (for the header's "Branched from" link). */
  parentOf(session) {
    return this.sessions.find((s) => s.id === session.parentId) ?? null;
  }

  render() {
    clear(this.body);
    if (this.sessions.length <= 1) {
      this.body.append(h('p', { class: 'empty-note' },
        'No branches yet. “Branch from here” under a finished turn starts a new session from that point.'));
      return;
    }
    this.body.append(this.list(nest(this.sessions)));
  }

  list(nodes) {
    return h('ul', { class: 'tree' }, nodes.map((node) => {
      const s = node.session;
      const current = s.id === this.sessionId;
      const kind = lineage(s);
      return h('li', { dataset: { sessionId: s.id } },
        h('a', {
          href: `/sessions/${s.id}`, class: `tree-item${current ? ' current' : ''}`, 'aria-current': current ? 'page' : null,
          onclick: (e) => { e.preventDefault(); if (!current) this.navigate(`/sessions/${s.id}`); },
        },
        kind ? h('span', { class: `lineage lineage-${kind}`, title: kind === 'fork' ? 'a fork' : 'started by its parent’s agent' },
          '↳ ') : null,
        h('span', { class: 'tree-title' }, sessionTitle(s)), ' ',
        h('span', { class: `status status-${s.status}` }, s.status)),
        node.children.length ? this.list(node.children) : null);
    }));
  }
}
