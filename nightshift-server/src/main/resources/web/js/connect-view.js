// The Connect page (/connect#<code>): links the chat account a "Connect your account" message was
// for (Slack) to the signed-in person. The code is in the fragment, so it never reaches a server
// log or a Referer; it is used up when the person confirms.

import { h, clear } from './dom.js';
import { post } from './api.js';
import { auth } from './auth.js';

export class ConnectView {
  constructor() {
    this.code = decodeURIComponent(location.hash.slice(1));
    history.replaceState({}, '', '/connect');
    this.status = h('p', { class: 'hint block', role: 'status' });
    this.body = h('div');
    this.el = h('section', { class: 'secrets-page', 'aria-labelledby': 'connect-title' },
      h('h1', { id: 'connect-title' }, 'Connect your Slack account'),
      this.body,
      this.status);
    document.title = 'Connect · Nightshift';
    this.render();
  }

  destroy() {}

  render() {
    if (!this.code) {
      clear(this.body).append(h('p', { class: 'hint block' },
        'This page needs the link from the Slack message "Connect your account"; mention the app in Slack again for a new one.'));
      return;
    }
    const button = h('button', { type: 'button', class: 'primary', onclick: () => this.connect(button) },
      `Connect it to ${auth.me?.user?.login ?? 'my account'}`);
    clear(this.body).append(
      h('p', { class: 'hint block' },
        'Sessions you start from Slack will then run as you, and their commits and pull requests will be yours. '
        + 'Only connect a Slack account that is yours.'),
      button);
  }

  async connect(button) {
    button.disabled = true;
    try {
      const linked = await post('/api/me/identities/slack', { code: this.code });
      clear(this.body);
      this.status.textContent = `Connected: Slack user ${linked.linked.user}. Go back to Slack and ask again.`;
    } catch (e) {
      button.disabled = false;
      this.status.textContent = e.message;
    }
  }
}
