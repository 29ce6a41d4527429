// The "Slack channels" section of the Automations page: each Slack channel's default repository (where a
// request in the channel that names none works) with who set it and when. Administrators set one
// (team id, channel id, repository URL) and remove one; everyone else sees the list only. These are
// the defaults `/nightshift repo <git URL>` sets in Slack; those from NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES
// are listed too and change only there.

import { h, clear, state } from './dom.js';
import { get, put, del } from './api.js';
import { auth } from './auth.js';
import { relativeTime } from './format.js';

const path = (team, channel) => `/api/channels/slack/${encodeURIComponent(team)}/${encodeURIComponent(channel)}`;

export class ChannelsSection {
  constructor() {
    this.list = h('div', { class: 'channels-list' }, state('loading', 'Loading Slack channels…'));
    this.error = h('p', { class: 'form-error', role: 'alert', id: 'channel-error' });
    this.error.hidden = true;
    this.notice = h('p', { class: 'channels-notice', id: 'channel-notice', role: 'status', 'aria-live': 'polite' });
    this.form = auth.isAdmin ? this.channelForm() : null;
    this.el = h('section', { class: 'channels-section', id: 'slack-channels', 'aria-labelledby': 'channels-title' },
      h('h2', { id: 'channels-title' }, 'Slack channels'),
      h('p', { class: 'hint block' },
        'A channel’s default repository is where requests in that channel work when they name none. ',
        auth.isAdmin
          ? 'Set it here, or in the channel with '
          : 'Administrators set it here; in the channel, a linked person sets it with ',
        h('code', {}, '/nightshift repo <git URL>'), '.'),
      this.notice,
      this.list,
      this.form ? h('h3', { id: 'channel-form-title' }, 'Set a channel’s repository') : null,
      this.error,
      this.form);
    this.load();
  }

  async load() {
    try {
      const { channels } = await get('/api/channels');
      this.render(channels);
    } catch (e) {
      if (e.status === 401) return;
      clear(this.list).append(state('error', 'Slack channels could not be loaded', e.message,
        h('button', { type: 'button', class: 'button', onclick: () => this.load() }, 'Retry')));
    }
  }

  render(channels) {
    if (!channels.length) {
      clear(this.list).append(state('empty', 'No channel has a default repository',
        auth.isAdmin ? 'Set one with the form below.' : 'Requests in Slack name their repository.'));
      return;
    }
    const team = this.form?.elements.team;
    if (team && !team.value) team.value = channels.find((c) => c.team)?.team ?? '';
    const rows = channels.map((c) => h('tr', { dataset: { channel: c.channel, team: c.team ?? '' } },
      h('td', {}, h('code', {}, c.channel), c.team ? h('span', { class: 'muted' }, ` · ${c.team}`) : null),
      h('td', {}, c.repository),
      h('td', {}, c.source === 'setting'
        ? h('span', { class: 'muted' }, 'NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES')
        : [c.setBy ?? 'unknown', c.setAt
          ? [' · ', h('time', { datetime: c.setAt, title: new Date(c.setAt).toLocaleString() }, relativeTime(c.setAt))]
          : null]),
      auth.isAdmin ? h('td', { class: 'secret-actions' }, c.source === 'set'
        ? h('button', { type: 'button', class: 'button small danger', 'aria-label': `Remove the default of ${c.channel}`,
          onclick: () => this.remove(c) }, 'Remove')
        : null) : null));
    const heads = ['Channel', 'Repository', 'Set by', auth.isAdmin ? '' : null].filter((t) => t !== null);
    clear(this.list).append(h('table', { class: 'secrets-table channels-table' },
      h('caption', { class: 'visually-hidden' }, 'Slack channels and their default repositories'),
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
  }

  channelForm() {
    const field = (id, label, attrs, hint) => h('div', { class: 'field' },
      h('label', { for: id }, label),
      h('input', { id, spellcheck: 'false', autocomplete: 'off', required: true, ...attrs }),
      hint ? h('p', { class: 'hint' }, hint) : null);
    const form = h('form', { class: 'secret-form channel-form', id: 'channel-form', 'aria-labelledby': 'channel-form-title' },
      h('div', { class: 'field-pair' },
        field('channel-team', 'Team ID', { name: 'team', placeholder: 'T0123ABCD' }),
        field('channel-id', 'Channel ID', { name: 'channel', placeholder: 'C0456EFGH' },
          'In Slack: the channel’s name → About → Channel ID.')),
      field('channel-repository', 'Repository URL', { name: 'repository', placeholder: 'https://github.com/acme/app.git' }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button primary', id: 'channel-save' }, 'Set repository')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
    return form;
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  async save() {
    const f = this.form.elements;
    const team = f.team.value.trim();
    const channel = f.channel.value.trim();
    this.error.hidden = true;
    try {
      const saved = await put(path(team, channel), { repository: f.repository.value.trim() });
      f.channel.value = '';
      f.repository.value = '';
      this.notice.textContent = `Requests in ${saved.channel} now work on ${saved.repository} unless they name another repository.`;
      await this.load();
    } catch (e) {
      this.showError(e.message);
    }
  }

  async remove(c) {
    if (!confirm(`Remove the default repository of ${c.channel}? Its requests then have to name one.`)) return;
    this.error.hidden = true;
    try {
      await del(path(c.team, c.channel));
      this.notice.textContent = `Removed the default repository of ${c.channel}.`;
    } catch (e) {
      this.showError(e.message);
    }
    await this.load();
  }
}
