// The side panel: the agent's plan, the branch and pull request (or the compare link to open one),
// preview ports, every artifact, and the people in the session with who is here right now.

import { h, append, clear } from './dom.js';
import { post, put } from './api.js';
import { initials } from './format.js';

const STATUS_MARK = { completed: '✓', in_progress: '◐', pending: '○' };

export class DetailsPanel {
  constructor(sessionId, { canManage, onParticipantsChanged }) {
    this.sessionId = sessionId;
    this.canManage = canManage;
    this.onParticipantsChanged = onParticipantsChanged;
    this.todos = [];
    this.artifacts = new Map();
    this.participants = [];
    this.presence = [];
    this.plan = h('div');
    this.links = h('div');
    this.previews = h('div');
    this.artifactList = h('div');
    this.people = h('div');
    this.policy = h('div', { id: 'sandbox-policy' });
    this.el = h('aside', { class: 'details', id: 'details', 'aria-label': 'Session details' },
      section('Plan', this.plan), section('Branch & pull request', this.links), section('Previews', this.previews),
      section('Artifacts', this.artifactList), section('People', this.people), section('Sandbox policy', this.policy));
    this.renderAll();
  }

  /** What the session's sandbox may reach and which secrets it gets (its settings). */
  setSession(session) {
    clear(this.policy);
    const settings = session?.settings ?? {};
    const network = {
      none: 'No network: every connection is refused.',
      allowlist: "The deployment's allowlist, its internal services and the hosts of the session's secrets.",
      repository: "The deployment's allowlist and the repository's hosts, its internal services and the hosts of the session's secrets.",
    }[settings.network ?? 'repository'];
    this.policy.append(h('p', {}, h('span', { class: 'muted' }, 'Network '), network));
    const secrets = settings.secrets == null
      ? 'every secret that applies to this repository and its owner'
      : settings.secrets.length ? settings.secrets.join(', ') : 'none';
    this.policy.append(h('p', {}, h('span', { class: 'muted' }, 'Secrets '), secrets));
    if (settings.planFirst) {
      this.policy.append(h('p', {}, h('span', { class: 'muted' }, 'Plan first '),
        'nothing changes until a member approves the agent’s plan.'));
    }
  }

  setTodos(todos) {
    this.todos = todos;
    this.renderPlan();
  }

  setArtifacts(artifacts) {
    this.artifacts = new Map(artifacts.map((a) => [a.id, a]));
    this.renderArtifacts();
  }

  addArtifact(artifact) {
    this.artifacts.set(artifact.id, artifact);
    this.renderArtifacts();
  }

  setPeople(participants, presence) {
    if (participants) this.participants = participants;
    if (presence) this.presence = presence;
    this.renderPeople();
  }

  renderAll() {
    this.renderPlan();
    this.renderArtifacts();
    this.renderPeople();
  }

  renderPlan() {
    clear(this.plan);
    if (!this.todos.length) {
      this.plan.append(empty('No plan yet. For work of several steps the agent writes one here.'));
      return;
    }
    this.plan.append(h('ul', { class: 'todo-list' }, this.todos.map((t) => h('li', { class: `todo todo-${t.status}` },
      h('span', { class: 'todo-mark', 'aria-hidden': 'true' }, STATUS_MARK[t.status] ?? '○'),
      h('span', {}, t.content),
      h('span', { class: 'visually-hidden' }, ` (${t.status.replace('_', ' ')})`)))));
  }

  renderArtifacts() {
    const all = [...this.artifacts.values()];
    const latest = (type) => all.filter((a) => a.type === type).at(-1);
    this.renderLinks(latest('branch'), latest('pr'));
    clear(this.previews);
    const previews = all.filter((a) => a.type === 'preview_url');
    if (!previews.length) this.previews.append(empty('No preview yet. A server the agent starts in the sandbox appears here.'));
    else this.previews.append(h('ul', { class: 'link-list' }, previews.map((a) => h('li', {}, this.previewButton(a)))));
    clear(this.artifactList);
    if (!all.length) this.artifactList.append(empty('Nothing yet.'));
    else this.artifactList.append(h('ul', { class: 'link-list' }, all.map((a) => h('li', {},
      h('span', { class: 'badge' }, a.type.replace('_', ' ')), ' ',
      a.url ? h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, a.data?.name ?? a.url) : (a.data?.name ?? '')))));
  }

  renderLinks(branch, pr) {
    clear(this.links);
    if (!branch && !pr) {
      this.links.append(empty('No branch yet. Once the agent commits, its branch and pull request show up here.'));
      return;
    }
    if (branch) {
      const name = branch.data?.name ?? 'branch';
      this.links.append(h('p', { class: 'branch' }, h('span', { class: 'muted' }, 'Branch '),
        branch.url ? h('a', { href: branch.url, target: '_blank', rel: 'noopener noreferrer' }, name) : h('code', {}, name),
        branch.data?.base ? h('span', { class: 'muted' }, ` from ${branch.data.base}`) : null));
    }
    if (pr?.data?.fallback === 'compare') {
      this.links.append(h('p', {}, h('a', { class: 'button', href: pr.url, target: '_blank', rel: 'noopener noreferrer' },
        'Open a pull request'), pr.data.reason ? h('span', { class: 'hint block' }, pr.data.reason) : null));
    } else if (pr) {
      const stateLabel = `${pr.data?.state ?? 'open'}${pr.data?.draft ? ' · draft' : ''}`;
      this.links.append(h('p', {}, h('a', { href: pr.url, target: '_blank', rel: 'noopener noreferrer' },
        `Pull request #${pr.data?.number ?? ''}`), ' ', h('span', { class: `badge pr-${pr.data?.state ?? 'open'}` }, stateLabel)));
    }
  }

  /**
   * A preview opens with a link the server makes for this port (POST …/previews): on the port's own
   * host with a single-use ticket that host swaps for its cookie (NIGHTSHIFT_PREVIEW_DOMAIN), else
   * under /api/…/ports/ with a fresh live token as the first path segment (that page runs
   * sandboxed, so the browser sends it no cookie of ours). The API token never leaves this page.
   */
  previewButton(artifact) {
    const port = artifact.data?.port ?? new URL(artifact.url, location.href).pathname.split('/').filter(Boolean).at(-1);
    const host = artifact.data?.form === 'host' ? new URL(artifact.url, location.href).host : null;
    return h('button', {
      type: 'button', class: 'button small', 'aria-label': `Open preview on port ${port} in a new tab`,
      title: host ?? undefined,
      onclick: async () => {
        const tab = window.open('about:blank', '_blank');
        try {
          const link = await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/previews`, { port: Number(port) });
          tab.opener = null; // the preview's page must not navigate this tab
          tab.location = link.url;
        } catch (e) {
          tab?.close();
          alert(`The preview could not be opened: ${e.message}`);
        }
      },
    }, `Open port ${port} ↗`);
  }

  renderPeople() {
    clear(this.people);
    const here = new Map(this.presence.filter((p) => p.userId).map((p) => [p.userId, p.status]));
    const guests = this.presence.filter((p) => !p.userId).length;
    append(this.people, [h('ul', { class: 'people' }, this.participants.map((p) => {
      const status = here.get(p.userId);
      return h('li', { class: 'person', dataset: { login: p.login } },
        h('span', { class: `avatar${status ? ` present-${status}` : ''}`, 'aria-hidden': 'true' }, initials(p.login)),
        h('span', { class: 'person-login' }, p.login),
        h('span', { class: 'muted' }, p.role),
        h('span', { class: 'visually-hidden' }, status ? `, here (${status})` : ', away'));
    })), guests ? h('p', { class: 'muted' }, `${guests} guest${guests === 1 ? '' : 's'} watching through a share link`) : null]);
    if (this.canManage) this.people.append(this.addPersonForm());
  }

  addPersonForm() {
    const login = h('input', { id: 'participant-login', name: 'login', required: true, placeholder: 'login', spellcheck: 'false' });
    const role = h('select', { id: 'participant-role', name: 'role' },
      h('option', { value: 'member' }, 'member (may prompt)'), h('option', { value: 'viewer' }, 'viewer (watches)'));
    const error = h('p', { class: 'form-error', role: 'alert' });
    error.hidden = true;
    const form = h('form', { class: 'add-person', 'aria-label': 'Add a person' },
      h('label', { for: 'participant-login' }, 'Add a person by login'), login,
      h('label', { for: 'participant-role', class: 'visually-hidden' }, 'Role'), role,
      h('button', { type: 'submit', class: 'button small' }, 'Add'), error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await put(`/api/sessions/${encodeURIComponent(this.sessionId)}/participants/${encodeURIComponent(login.value.trim())}`,
          { role: role.value });
        login.value = '';
        error.hidden = true;
        this.onParticipantsChanged();
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
      }
    });
    return form;
  }
}

function section(title, body) {
  const id = `details-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return h('section', { class: 'details-section', 'aria-labelledby': id }, h('h2', { class: 'section-title', id }, title), body);
}

function empty(text) {
  return h('p', { class: 'empty-note' }, text);
}

