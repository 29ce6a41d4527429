// The Secrets page (/secrets): the vault's secrets the signed-in person may see, with their scope,
// delivery, allowed hosts and who changed them when; a form to add one or rotate it; delete.
// Values only ever go to the server: the value field is write-only and nothing shows one.

import { h, clear, state } from './dom.js';
import { get, post, put, del } from './api.js';
import { auth } from './auth.js';
import { relativeTime } from './format.js';

const list = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

export class SecretsView {
  constructor() {
    this.body = h('div', { class: 'secrets-list' }, state('loading', 'Loading secrets…'));
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.error.hidden = true;
    this.notice = h('p', { class: 'hint', role: 'status' });
    this.form = this.secretForm();
    this.el = h('section', { class: 'secrets-page', 'aria-labelledby': 'secrets-title' },
      h('h1', { id: 'secrets-title' }, 'Secrets'),
      h('p', { class: 'hint block' },
        'Keys your sessions may use. With egress delivery the sandbox holds only a placeholder; the egress proxy puts '
        + 'the real value into requests to the allowed hosts. Values are never shown again after you save them.'),
      this.body,
      h('h2', { id: 'secret-form-title' }, 'Add or rotate a secret'),
      this.form);
    document.title = 'Secrets · Nightshift';
    this.load();
  }

  destroy() {}

  async load() {
    try {
      const { secrets } = await get('/api/secrets');
      this.render(secrets);
    } catch (e) {
      clear(this.body).append(state('error', 'Secrets could not be loaded', e.message));
    }
  }

  render(secrets) {
    if (!secrets.length) {
      clear(this.body).append(state('empty', 'No secrets yet', 'Add one with the form below.'));
      return;
    }
    const rows = secrets.map((s) => {
      const scope = s.scope.kind === 'repository' ? `repository ${s.scope.repository}` : s.scope.kind;
      return h('tr', { dataset: { secretName: s.name } },
        h('td', {}, h('code', {}, s.name)),
        h('td', {}, scope),
        h('td', {}, s.delivery ?? '—'),
        h('td', {}, s.hosts?.length ? s.hosts.join(', ') : '—'),
        h('td', {}, s.updatedAt ? `${relativeTime(s.updatedAt)} by ${s.updatedBy ?? 'unknown'}` : '—'),
        h('td', { class: 'secret-actions' }, s.id ? [
          h('button', { type: 'button', class: 'button small', onclick: () => this.startRotate(s) }, 'Rotate'),
          h('button', { type: 'button', class: 'button small danger', onclick: () => this.remove(s) }, 'Delete'),
        ] : h('span', { class: 'hint' }, 'managed by administrators')));
    });
    clear(this.body).append(h('table', { class: 'secrets-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Scope', 'Delivery', 'Hosts', 'Changed', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
  }

  secretForm() {
    const field = (id, label, control, hint) => h('div', { class: 'field' },
      h('label', { for: id }, label), control, hint ? h('p', { class: 'hint' }, hint) : null);
    const scopes = [h('option', { value: 'user' }, 'Mine (the sessions I start)')];
    if (auth.isAdmin) {
      scopes.push(h('option', { value: 'deployment' }, 'Every session'), h('option', { value: 'repository' }, 'Repositories matching…'));
    }
    const form = h('form', { class: 'secret-form', id: 'secret-form', 'aria-labelledby': 'secret-form-title', autocomplete: 'off' },
      field('secret-name', 'Name', h('input', { id: 'secret-name', name: 'name', required: true, spellcheck: 'false', placeholder: 'NPM_TOKEN' }),
        'The environment variable it is known by in the sandbox.'),
      field('secret-value', 'Value', h('textarea', { id: 'secret-value', name: 'value', rows: 2, spellcheck: 'false', autocomplete: 'off' }),
        'Write-only: it is sealed and never shown. Leave empty when rotating only the hosts.'),
      field('secret-delivery', 'Delivery', h('select', { id: 'secret-delivery', name: 'delivery' },
        h('option', { value: 'egress' }, 'egress — a placeholder, replaced by the proxy'),
        h('option', { value: 'setup' }, 'setup — only for .nightshift/setup.sh'),
        h('option', { value: 'env' }, 'env — the real value in the environment (risky)'),
        h('option', { value: 'mcp' }, 'mcp — never in the sandbox; sent to an MCP server by the control plane'))),
      field('secret-hosts', 'Allowed hosts', h('input', { id: 'secret-hosts', name: 'hosts', spellcheck: 'false', placeholder: 'registry.npmjs.org, *.example.com' }),
        'Where it may be sent; needed for egress and mcp.'),
      field('secret-methods', 'Methods', h('input', { id: 'secret-methods', name: 'methods', spellcheck: 'false', placeholder: 'any' })),
      field('secret-paths', 'Path prefixes', h('input', { id: 'secret-paths', name: 'pathPrefixes', spellcheck: 'false', placeholder: 'any, e.g. /api/v1/query' })),
      field('secret-scope', 'For', h('select', { id: 'secret-scope', name: 'scope' }, scopes)),
      field('secret-repository', 'Repository pattern', h('input', { id: 'secret-repository', name: 'repository', spellcheck: 'false', placeholder: 'github.com/acme/*' })),
      this.error,
      this.notice,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button primary', id: 'secret-save' }, 'Save secret'),
        h('button', { type: 'button', class: 'button', onclick: () => this.reset() }, 'Clear')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
    return form;
  }

  startRotate(secret) {
    this.reset();
    this.rotating = secret;
    const f = this.form.elements;
    f.name.value = secret.name;
    f.name.readOnly = true;
    f.delivery.value = secret.delivery;
    f.hosts.value = secret.hosts.join(', ');
    f.methods.value = secret.methods.join(', ');
    f.pathPrefixes.value = secret.pathPrefixes.join(', ');
    f.scope.disabled = true;
    f.repository.disabled = true;
    this.notice.textContent = `Rotating ${secret.name}: a new value replaces the old one.`;
    f.value.focus();
  }

  reset() {
    this.form.reset();
    this.rotating = null;
    const f = this.form.elements;
    f.name.readOnly = false;
    f.scope.disabled = false;
    f.repository.disabled = false;
    this.error.hidden = true;
    this.notice.textContent = '';
  }

  async save() {
    const f = this.form.elements;
    const body = {
      delivery: f.delivery.value,
      hosts: list(f.hosts.value),
      methods: list(f.methods.value.toUpperCase()),
      pathPrefixes: list(f.pathPrefixes.value),
    };
    if (f.value.value) body.value = f.value.value;
    this.error.hidden = true;
    try {
      let saved;
      if (this.rotating) {
        saved = await put(`/api/secrets/${encodeURIComponent(this.rotating.id)}`, { ...body, version: this.rotating.version });
      } else {
        body.name = f.name.value.trim();
        if (f.scope.value === 'user') body.scope = { user: true };
        if (f.scope.value === 'repository') body.scope = { repository: f.repository.value.trim() };
        saved = await post('/api/secrets', body);
      }
      f.value.value = '';
      this.reset();
      this.notice.textContent = `Saved ${saved.name}.${saved.warning ? ` Warning: ${saved.warning}` : ''}`;
      await this.load();
    } catch (e) {
      this.error.textContent = e.message;
      this.error.hidden = false;
    }
  }

  async remove(secret) {
    if (!confirm(`Delete ${secret.name}? Sessions started afterwards no longer get it.`)) return;
    try {
      await del(`/api/secrets/${encodeURIComponent(secret.id)}`);
      this.notice.textContent = `Deleted ${secret.name}.`;
      await this.load();
    } catch (e) {
      this.error.textContent = e.message;
      this.error.hidden = false;
    }
  }
}
