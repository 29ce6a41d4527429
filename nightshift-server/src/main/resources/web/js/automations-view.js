// The Automations page (/automations): the signed-in person's automations (an administrator may
// list everyone's) with their trigger, next fire times, paused state and last run; pause, resume,
// run now, rotate the key, delete; each one's run history; a form to create one (a schedule, a
// webhook with conditions, a signed webhook). A webhook key comes back only in the answer to a
// create or a rotation (the server keeps its hash), so it is shown then, once, with a curl line to
// try it, and the page keeps it nowhere else. Below them, the Slack channels' default repositories
// (channels-section.js) and, for administrators, the connection to Linear (linear-section.js).

import { h, clear, state } from './dom.js';
import { get, post, patch, del } from './api.js';
import { auth } from './auth.js';
import { relativeTime, timeUntil } from './format.js';
import { ChannelsSection } from './channels-section.js';
import { LinearSection } from './linear-section.js';

const REFRESH_MS = 10000;
const RUNS_PAGE = 10;
const FIRES_SHOWN = 3;
const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'];
const EXAMPLE_PAYLOAD = '{"level":"error"}';
const SIMPLE_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*)+$/;
const RUN_BADGE = {
  succeeded: 'badge-good', failed: 'badge-bad', running: 'badge-running', fired: 'badge-running',
  skipped: 'badge-warn', unmatched: '',
};

const path = (id) => `/api/automations/${encodeURIComponent(id)}`;

/** A condition's value as typed: JSON when it is JSON (3, true, "x"), else the text itself. */
function conditionValue(text, op) {
  const trimmed = text.trim();
  if (!trimmed && op === 'exists') return true;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

/** A payload that passes the conditions it can, so the curl example starts a run. */
export function examplePayload(conditions = []) {
  const root = {};
  for (const c of conditions) {
    if (!SIMPLE_PATH.test(c.path)) continue;
    let sample;
    if (c.op === 'eq') sample = c.value;
    else if (c.op === 'contains' && typeof c.value === 'string') sample = c.value;
    else if (c.op === 'exists' && c.value === true) sample = 'x';
    else if ((c.op === 'gte' || c.op === 'lte') && typeof c.value === 'number') sample = c.value;
    else if (c.op === 'gt' && typeof c.value === 'number') sample = c.value + 1;
    else if (c.op === 'lt' && typeof c.value === 'number') sample = c.value - 1;
    if (sample === undefined) continue;
    const names = c.path.slice(2).split('.');
    let node = root;
    for (const name of names.slice(0, -1)) {
      if (typeof node[name] !== 'object' || node[name] === null) node[name] = {};
      node = node[name];
    }
    node[names.at(-1)] = sample;
  }
  return Object.keys(root).length ? JSON.stringify(root) : EXAMPLE_PAYLOAD;
}

export function curlExample(url, key, payload) {
  return `curl -X POST ${url} -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '${payload.replaceAll("'", "'\\''")}'`;
}

/** A fire time in the schedule's own zone, e.g. "Mon, 7 Dec, 07:00 CET". */
function fireTime(iso, timeZone) {
  const options = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

function triggerSummary(trigger) {
  const conditions = trigger.conditions?.length
    ? ` · ${trigger.conditions.length} condition${trigger.conditions.length === 1 ? '' : 's'}` : '';
  if (trigger.type === 'schedule') return `Schedule · ${trigger.cron} · ${trigger.timezone}`;
  if (trigger.type === 'signed') return `Signed webhook · ${trigger.preset === 'sentry' ? 'Sentry' : trigger.signatureHeader}${conditions}`;
  return `Webhook${conditions}`;
}

function runBadge(status) {
  return h('span', { class: `badge ${RUN_BADGE[status] ?? ''}` }, status);
}

export class AutomationsView {
  constructor({ navigate, focusId }) {
    this.navigate = navigate;
    this.focusId = focusId;
    this.scope = 'mine';
    this.automations = null;
    this.histories = new Map(); // automation id → { runs, hasMore, next } for the open ones
    this.list = h('div', { class: 'automations-list' }, state('loading', 'Loading automations…'));
    this.notice = h('p', { class: 'page-notice', role: 'status', 'aria-live': 'polite' });
    this.keyPanel = h('section', { class: 'key-panel', id: 'key-panel', tabindex: '-1', 'aria-labelledby': 'key-panel-title' });
    this.keyPanel.hidden = true;
    this.form = this.automationForm();
    this.el = h('section', { class: 'automations-page', 'aria-labelledby': 'automations-title' },
      h('div', { class: 'page-head' },
        h('h1', { id: 'automations-title' }, 'Automations'),
        auth.isAdmin ? this.scopeSwitch() : null,
        h('button', { type: 'button', class: 'button small', onclick: () => this.load() }, 'Refresh')),
      h('p', { class: 'hint block' },
        'Sessions that start themselves, as you: on a schedule, or when a webhook is delivered. '
        + 'Every run is recorded below, with the session it started.'),
      this.keyPanel,
      this.notice,
      this.list,
      h('h2', { id: 'automation-form-title' }, 'New automation'),
      this.form,
      new ChannelsSection().el,
      auth.isAdmin ? new LinearSection().el : null);
    document.title = 'Automations · Nightshift';
    this.load();
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.load({ quiet: true });
    }, REFRESH_MS);
  }

  destroy() {
    clearInterval(this.timer);
  }

  scopeSwitch() {
    const option = (value, label) => {
      const input = h('input', { type: 'radio', name: 'automation-scope', value, id: `automation-scope-${value}`, checked: this.scope === value });
      input.addEventListener('change', () => {
        this.scope = value;
        this.automations = null;
        this.load();
      });
      return [input, h('label', { for: `automation-scope-${value}` }, label)];
    };
    return h('fieldset', { class: 'segmented small' },
      h('legend', { class: 'visually-hidden' }, 'Show automations'),
      option('mine', 'Mine'), option('all', 'Everyone’s'));
  }

  async load({ quiet = false } = {}) {
    try {
      const { automations } = await get(`/api/automations${this.scope === 'all' ? '?all=true' : ''}`);
      this.automations = automations;
      await Promise.all([...this.histories.keys()].map((id) => this.loadRuns(id, { keep: true })));
      this.render();
    } catch (e) {
      if (quiet || e.status === 401) return;
      clear(this.list).append(state('error', 'Automations could not be loaded', e.message,
        h('button', { type: 'button', class: 'button', onclick: () => this.load() }, 'Retry')));
    }
  }

  /** Draws the cards, keeping the focus on the control it was on (a refresh must not move it). */
  render() {
    const focused = document.activeElement;
    const focusKey = this.list.contains(focused) ? focused?.dataset?.focusKey : null;
    if (!this.automations.length) {
      clear(this.list).append(state('empty', 'No automations yet',
        'Create one with the form below: a schedule, or a webhook your other tools can call.'));
      return;
    }
    clear(this.list).append(h('ul', { class: 'automation-cards' }, this.automations.map((a) => this.card(a))));
    if (focusKey) this.list.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
    if (this.focusId) {
      const card = this.list.querySelector(`[data-automation-id="${CSS.escape(this.focusId)}"]`);
      this.focusId = null;
      if (card) {
        card.scrollIntoView({ block: 'start' });
        card.classList.add('highlight');
      }
    }
  }

  card(a) {
    const trigger = a.trigger;
    const key = (action) => `${a.id}:${action}`;
    const facts = [
      ['Trigger', triggerSummary(trigger)],
      trigger.type === 'schedule' && trigger.nextFires?.length
        ? ['Next fires', h('ol', { class: 'fire-list' }, trigger.nextFires.slice(0, FIRES_SHOWN).map((iso) =>
          h('li', {}, h('time', { datetime: iso }, fireTime(iso, trigger.timezone)), h('span', { class: 'muted' }, ` (${timeUntil(iso)})`))))]
        : null,
      a.paused ? ['Paused', a.pausedReason || 'paused'] : null,
      ['Repository', [a.repository, a.baseBranch ? ` · from ${a.baseBranch}` : '']],
      ['Last run', a.lastRun
        ? [runBadge(a.lastRun.status), ' ', relativeTime(a.lastRun.createdAt),
          a.lastRun.sessionId ? [' · ', this.sessionLink(a.lastRun.sessionId, 'session')] : null]
        : h('span', { class: 'muted' }, 'never')],
      a.webhook ? ['Webhook URL', h('code', { class: 'webhook-url' }, a.webhook.url)] : null,
      this.scope === 'all' ? ['Owner', a.owner?.login ?? a.owner?.id] : null,
    ].filter(Boolean);
    const historyOpen = this.histories.has(a.id);
    const historyId = `runs-${a.id}`;
    return h('li', { class: `automation-card${a.paused ? ' paused' : ''}`, id: `automation-${a.id}`, dataset: { automationId: a.id, automationName: a.name } },
      h('div', { class: 'card-head' },
        h('h3', {}, a.name),
        h('span', { class: `badge ${a.paused ? 'badge-warn' : 'badge-good'}` }, a.paused ? 'Paused' : 'Active')),
      h('dl', { class: 'automation-facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      h('div', { class: 'card-actions' },
        a.paused
          ? h('button', { type: 'button', class: 'button small', dataset: { focusKey: key('pause') }, onclick: () => this.resume(a) }, 'Resume')
          : h('button', { type: 'button', class: 'button small', dataset: { focusKey: key('pause') }, onclick: () => this.pause(a) }, 'Pause'),
        h('button', { type: 'button', class: 'button small', disabled: a.paused, dataset: { focusKey: key('run') },
          title: a.paused ? 'Resume it to run it' : null, onclick: () => this.runNow(a) }, 'Run now'),
        h('button', { type: 'button', class: 'button small', 'aria-expanded': String(historyOpen), 'aria-controls': historyId,
          dataset: { focusKey: key('history') }, onclick: () => this.toggleHistory(a) }, 'Run history'),
        trigger.type === 'webhook'
          ? h('button', { type: 'button', class: 'button small', dataset: { focusKey: key('rotate') }, onclick: () => this.rotateKey(a) }, 'Rotate key')
          : null,
        h('button', { type: 'button', class: 'button small danger', dataset: { focusKey: key('delete') }, onclick: () => this.remove(a) }, 'Delete')),
      h('div', { class: 'run-history', id: historyId, hidden: !historyOpen }, historyOpen ? this.history(a) : null));
  }

  sessionLink(sessionId, text) {
    return h('a', { href: `/sessions/${sessionId}`, onclick: (e) => { e.preventDefault(); this.navigate(`/sessions/${sessionId}`); } }, text);
  }

  history(a) {
    const page = this.histories.get(a.id);
    if (!page) return state('loading', 'Loading runs…');
    if (page.error) return state('error', 'The runs could not be loaded', page.error);
    if (!page.runs.length) return h('p', { class: 'empty-note' }, 'No runs yet. “Run now” starts one.');
    const rows = page.runs.map((run) => h('tr', { dataset: { runId: run.id } },
      h('td', {}, h('time', { datetime: run.createdAt, title: new Date(run.createdAt).toLocaleString() }, relativeTime(run.createdAt))),
      h('td', {}, runBadge(run.status)),
      h('td', {}, run.sessionId ? this.sessionLink(run.sessionId, 'Open session') : h('span', { class: 'muted' }, '—')),
      h('td', {},
        run.pullRequest ? h('a', { href: run.pullRequest, target: '_blank', rel: 'noopener noreferrer' }, 'Pull request ↗') : null,
        run.pullRequest && run.branch ? ' · ' : null,
        run.branch ? h('code', {}, run.branch) : null,
        run.reason ? h('span', { class: 'run-reason' }, (run.pullRequest || run.branch) ? ` · ${run.reason}` : run.reason) : null,
        !run.pullRequest && !run.branch && !run.reason ? h('span', { class: 'muted' }, '—') : null)));
    return [
      h('table', { class: 'runs-table' },
        h('caption', { class: 'visually-hidden' }, `Runs of ${a.name}, newest first`),
        h('thead', {}, h('tr', {}, ['When', 'Status', 'Session', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows)),
      page.hasMore ? h('button', { type: 'button', class: 'button small load-older', dataset: { focusKey: `${a.id}:older` },
        onclick: () => this.loadRuns(a.id, { older: true }).then(() => this.render()) }, 'Load older runs') : null,
    ];
  }

  async toggleHistory(a) {
    if (this.histories.has(a.id)) {
      this.histories.delete(a.id);
      this.render();
      return;
    }
    this.histories.set(a.id, null);
    this.render();
    await this.loadRuns(a.id);
    this.render();
  }

  /** The newest page of runs (keep: as many as were shown), or the page after the oldest shown. */
  async loadRuns(id, { older = false, keep = false } = {}) {
    const current = this.histories.get(id);
    let limit = RUNS_PAGE;
    if (keep && current?.runs) limit = Math.min(100, Math.max(RUNS_PAGE, current.runs.length));
    const before = older && current?.next ? `&before=${encodeURIComponent(current.next)}` : '';
    try {
      const page = await get(`${path(id)}/runs?limit=${limit}${before}`);
      this.histories.set(id, older && current ? { ...page, runs: [...current.runs, ...page.runs] } : page);
    } catch (e) {
      if (!this.histories.has(id)) return;
      if (e.status === 404) this.histories.delete(id);
      else this.histories.set(id, { error: e.message });
    }
  }

  say(...parts) {
    clear(this.notice).append(...parts);
  }

  async act(what, action) {
    try {
      await action();
    } catch (e) {
      this.say(h('span', { class: 'form-error inline' }, `${what}: ${e.message}`));
    }
    await this.load({ quiet: true });
  }

  pause(a) {
    const reason = prompt(`Pause “${a.name}”? It will not run until resumed. Why (optional)?`, '');
    if (reason === null) return;
    this.act(`${a.name} was not paused`, async () => {
      await post(`${path(a.id)}/pause`, reason.trim() ? { reason: reason.trim() } : {});
      this.say(`Paused ${a.name}.`);
    });
  }

  resume(a) {
    this.act(`${a.name} was not resumed`, async () => {
      const resumed = await post(`${path(a.id)}/resume`);
      const next = resumed.trigger.nextFires?.[0];
      this.say(`Resumed ${a.name}.${next ? ` Next run ${fireTime(next, resumed.trigger.timezone)}.` : ''}`);
    });
  }

  runNow(a) {
    this.act(`${a.name} did not run`, async () => {
      const run = await post(`${path(a.id)}/run-now`);
      if (run.fired) {
        this.say(`Started ${a.name}: `, run.sessionId ? this.sessionLink(run.sessionId, 'open its session') : 'its session is being made', '.');
      } else {
        this.say(`${a.name} did not start (${run.status}): ${run.reason}`);
      }
      if (this.histories.has(a.id)) await this.loadRuns(a.id);
    });
  }

  rotateKey(a) {
    if (!confirm(`Make a new key for “${a.name}”? The current key stops working at once.`)) return;
    this.act(`The key of ${a.name} was not rotated`, async () => {
      const rotated = await patch(path(a.id), { rotateKey: true, version: a.version });
      this.showWebhook(rotated, 'rotated');
      this.say(`${a.name} has a new key; the old one no longer works.`);
    });
  }

  remove(a) {
    if (!confirm(`Delete “${a.name}”? Its webhook URL stops working and its run history is deleted; its sessions stay.`)) return;
    this.act(`${a.name} was not deleted`, async () => {
      await del(path(a.id));
      this.histories.delete(a.id);
      this.say(`Deleted ${a.name}.`);
    });
  }

  /** After a create or a rotation: the URL and, for a webhook, its key, here and nowhere else. */
  showWebhook(automation, how) {
    const webhook = automation.webhook;
    if (!webhook) return;
    const copyButton = (label, text) => {
      const button = h('button', { type: 'button', class: 'button small', onclick: async () => {
        try {
          await navigator.clipboard.writeText(text);
          button.textContent = 'Copied';
        } catch {
          button.textContent = 'Select and copy it';
        }
      } }, label);
      return button;
    };
    const readonly = (id, value) => h('input', { id, readonly: true, value, spellcheck: 'false', class: 'mono' });
    const parts = [];
    if (webhook.key) {
      const curl = curlExample(webhook.url, webhook.key, examplePayload(automation.trigger.conditions));
      parts.push(
        h('h2', { id: 'key-panel-title' }, how === 'rotated' ? `New key for ${automation.name}: copy it now` : `Webhook key for ${automation.name}: copy it now`),
        h('p', { class: 'key-warning' }, 'This is the only time the key is shown: Nightshift keeps only its hash. '
          + 'If it is lost, rotate the key to get a new one.'),
        h('label', { for: 'webhook-url' }, 'Webhook URL'),
        h('div', { class: 'copy-row' }, readonly('webhook-url', webhook.url), copyButton('Copy URL', webhook.url)),
        h('label', { for: 'webhook-key' }, 'Key (sent as Authorization: Bearer …)'),
        h('div', { class: 'copy-row' }, readonly('webhook-key', webhook.key), copyButton('Copy key', webhook.key)),
        h('p', { class: 'label', id: 'webhook-curl-label' }, 'Try it'),
        h('pre', { class: 'curl', 'aria-labelledby': 'webhook-curl-label' }, h('code', { id: 'webhook-curl' }, curl)),
        h('div', { class: 'form-actions' }, copyButton('Copy command', curl),
          h('button', { type: 'button', class: 'button primary', onclick: () => this.hideKeyPanel() }, 'I have stored the key')));
    } else {
      const sentry = automation.trigger.preset === 'sentry';
      parts.push(
        h('h2', { id: 'key-panel-title' }, `Point the sender of ${automation.name} at this URL`),
        h('label', { for: 'webhook-url' }, 'Webhook URL'),
        h('div', { class: 'copy-row' }, readonly('webhook-url', webhook.url), copyButton('Copy URL', webhook.url)),
        h('p', { class: 'hint block' }, sentry
          ? 'In Sentry, make this the integration’s webhook URL. Deliveries are checked against Sentry-Hook-Signature with the client secret you gave.'
          : `The sender signs each delivery with the secret you gave: ${automation.trigger.signatureHeader}: sha256=<hex HMAC-SHA256 of `
            + `${automation.trigger.timestampHeader ? `“<${automation.trigger.timestampHeader}>.<body>”` : 'the body'}>.`),
        h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'button', onclick: () => this.hideKeyPanel() }, 'Done')));
    }
    clear(this.keyPanel).append(...parts);
    this.keyPanel.classList.toggle('has-key', Boolean(webhook.key));
    this.keyPanel.hidden = false;
    this.keyPanel.scrollIntoView({ block: 'start' });
    this.keyPanel.focus();
  }

  hideKeyPanel() {
    clear(this.keyPanel);
    this.keyPanel.hidden = true;
  }

  // ---------------------------------------------------------------- the form

  automationForm() {
    const field = (id, label, control, hint) => h('div', { class: 'field' },
      h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
    const input = (id, name, attrs = {}) => h('input', { id, name, spellcheck: 'false', ...attrs });
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    const here = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.error.hidden = true;
    this.conditionRows = h('div', { class: 'condition-rows' });
    const typeOption = (value, label) => [
      h('input', { type: 'radio', name: 'type', value, id: `automation-type-${value}`, checked: value === 'schedule',
        onchange: () => this.showTriggerFields() }),
      h('label', { for: `automation-type-${value}` }, label)];

    this.scheduleFields = h('div', { class: 'trigger-fields', dataset: { for: 'schedule' } },
      field('automation-cron', 'Cron expression', input('automation-cron', 'cron', { placeholder: '0 7 * * 1-5', 'aria-describedby': 'automation-cron-hint' }),
        'Minute, hour, day of month, month, day of week: “0 7 * * 1-5” is 07:00 on weekdays. At most every 15 minutes.'),
      field('automation-timezone', 'Time zone', input('automation-timezone', 'timezone', { list: 'automation-zones', value: here, autocomplete: 'off' })),
      h('datalist', { id: 'automation-zones' }, ['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => h('option', { value: z }))));
    this.conditionFields = h('fieldset', { class: 'trigger-fields conditions', dataset: { for: 'webhook signed' } },
      h('legend', {}, 'Conditions'),
      h('p', { class: 'hint' }, 'Start only when every condition holds on the delivery’s JSON. A value is JSON (3, true, "x") or plain text.'),
      this.conditionRows,
      h('button', { type: 'button', class: 'button small', onclick: () => this.addCondition() }, '+ Add condition'));
    this.webhookFields = h('div', { class: 'trigger-fields', dataset: { for: 'webhook' } },
      field('automation-idempotency', 'Idempotency key', input('automation-idempotency', 'idempotencyKey', { placeholder: '$.id (optional)' }),
        'A JSONPath naming each delivery: a delivery seen before starts nothing new.'));
    this.signedFields = h('div', { class: 'trigger-fields', dataset: { for: 'signed' } },
      field('automation-preset', 'Sender', h('select', { id: 'automation-preset', name: 'preset', onchange: () => this.showTriggerFields() },
        h('option', { value: 'sentry' }, 'Sentry (Sentry-Hook-Signature)'),
        h('option', { value: 'generic' }, 'Another sender (sha256=<hex> in a header)'))),
      field('automation-secret', 'Shared secret', input('automation-secret', 'secret', { type: 'password', autocomplete: 'off' }),
        'What the sender signs with (Sentry: the integration’s client secret). Write-only: it is sealed and never shown.'),
      h('div', { class: 'generic-fields' },
        field('automation-signature-header', 'Signature header', input('automation-signature-header', 'signatureHeader', { placeholder: 'X-Signature-256' })),
        field('automation-timestamp-header', 'Timestamp header', input('automation-timestamp-header', 'timestampHeader', { placeholder: 'optional, e.g. X-Timestamp' }),
          'With one, the signature covers “<timestamp>.<body>” and old deliveries are refused.'),
        field('automation-window', 'Timestamp window (seconds)', input('automation-window', 'timestampWindowSeconds', { type: 'number', min: 1, placeholder: 'server default' })),
        field('automation-delivery-header', 'Delivery id header', input('automation-delivery-header', 'deliveryIdHeader', { placeholder: 'optional, e.g. X-Delivery-Id' }))));

    const form = h('form', { class: 'automation-form', id: 'automation-form', 'aria-labelledby': 'automation-form-title', autocomplete: 'off' },
      field('automation-name', 'Name', input('automation-name', 'name', { required: true, placeholder: 'Weekday dependency updates', spellcheck: 'true' })),
      field('automation-repository', 'Repository', input('automation-repository', 'repository', { required: true, placeholder: 'https://… or /path/to/repo' }),
        'A git URL or an absolute path on the server.'),
      h('div', { class: 'field-pair' },
        field('automation-base', 'Base branch', input('automation-base', 'baseBranch', { placeholder: 'the repository’s default' })),
        field('automation-model', 'Model', input('automation-model', 'model', { placeholder: 'server default' }))),
      field('automation-prompt', 'Prompt', h('textarea', { id: 'automation-prompt', name: 'prompt', rows: 4, required: true, 'aria-describedby': 'automation-prompt-hint' }),
        'What the agent does each time. For a webhook, {{ $.path }} puts a value of the delivery in (marked as untrusted input).'),
      h('div', { class: 'field' },
        h('p', { class: 'label', 'aria-hidden': 'true' }, 'Trigger'),
        h('fieldset', { class: 'segmented trigger-type' },
          h('legend', { class: 'visually-hidden' }, 'Trigger'),
          typeOption('schedule', 'Schedule'), typeOption('webhook', 'Webhook'), typeOption('signed', 'Signed webhook'))),
      this.scheduleFields, this.webhookFields, this.signedFields, this.conditionFields,
      this.error,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => this.resetForm() }, 'Clear'),
        h('button', { type: 'submit', class: 'button primary', id: 'automation-save' }, 'Create automation')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.create();
    });
    this.formElement = form;
    this.showTriggerFields();
    return form;
  }

  get triggerType() {
    return this.formElement.elements.type.value;
  }

  showTriggerFields() {
    const type = this.triggerType;
    for (const group of this.formElement.querySelectorAll('.trigger-fields')) {
      group.hidden = !group.dataset.for.split(' ').includes(type);
    }
    const generic = this.formElement.elements.preset.value === 'generic';
    this.formElement.querySelector('.generic-fields').hidden = !generic;
  }

  addCondition() {
    const n = this.conditionRows.children.length + 1;
    const id = `condition-${Date.now()}-${n}`;
    const row = h('div', { class: 'condition-row' },
      h('label', { for: `${id}-path`, class: 'visually-hidden' }, `Condition ${n} path`),
      h('input', { id: `${id}-path`, class: 'condition-path', placeholder: '$.level', spellcheck: 'false' }),
      h('label', { for: `${id}-op`, class: 'visually-hidden' }, `Condition ${n} comparison`),
      h('select', { id: `${id}-op`, class: 'condition-op' }, OPS.map((op) => h('option', { value: op }, op))),
      h('label', { for: `${id}-value`, class: 'visually-hidden' }, `Condition ${n} value`),
      h('input', { id: `${id}-value`, class: 'condition-value', placeholder: 'error', spellcheck: 'false' }),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove condition ${n}`, title: 'Remove', onclick: () => row.remove() },
        h('span', { 'aria-hidden': 'true' }, '×')));
    this.conditionRows.append(row);
    row.querySelector('input').focus();
  }

  conditions() {
    return [...this.conditionRows.querySelectorAll('.condition-row')]
      .map((row) => ({
        path: row.querySelector('.condition-path').value.trim(),
        op: row.querySelector('.condition-op').value,
        raw: row.querySelector('.condition-value').value,
      }))
      .filter((c) => c.path || c.raw.trim())
      .map(({ path: p, op, raw }) => ({ path: p, op, value: conditionValue(raw, op) }));
  }

  triggerBody() {
    const f = this.formElement.elements;
    const value = (name) => f[name].value.trim() || undefined;
    const type = this.triggerType;
    if (type === 'schedule') return { type, cron: value('cron'), timezone: value('timezone') };
    if (type === 'webhook') return { type, conditions: this.conditions(), idempotencyKey: value('idempotencyKey') };
    const trigger = { type, preset: f.preset.value, secret: f.secret.value || undefined, conditions: this.conditions() };
    if (trigger.preset === 'generic') {
      Object.assign(trigger, {
        signatureHeader: value('signatureHeader'), timestampHeader: value('timestampHeader'),
        timestampWindowSeconds: value('timestampWindowSeconds') ? Number(value('timestampWindowSeconds')) : undefined,
        deliveryIdHeader: value('deliveryIdHeader'),
      });
    }
    return trigger;
  }

  async create() {
    const f = this.formElement.elements;
    const value = (name) => f[name].value.trim() || undefined;
    const body = {
      name: value('name'), repository: value('repository'), baseBranch: value('baseBranch'), model: value('model'),
      prompt: f.prompt.value.trim() || undefined, trigger: this.triggerBody(),
    };
    const save = this.formElement.querySelector('#automation-save');
    save.disabled = true;
    this.error.hidden = true;
    try {
      const created = await post('/api/automations', body);
      this.resetForm();
      this.hideKeyPanel();
      if (created.webhook) {
        this.showWebhook(created, 'created');
        this.say(`Created ${created.name}.`);
      } else {
        this.focusId = created.id; // the new card, scrolled into view and outlined
        const next = created.trigger.nextFires?.[0];
        this.say(`Created ${created.name}.${next ? ` First run ${fireTime(next, created.trigger.timezone)} (${timeUntil(next)}).` : ''}`);
      }
      await this.load();
    } catch (e) {
      this.error.textContent = e.message;
      this.error.hidden = false;
    } finally {
      save.disabled = false;
    }
  }

  resetForm() {
    this.formElement.reset();
    clear(this.conditionRows);
    this.error.hidden = true;
    this.showTriggerFields();
  }
}
