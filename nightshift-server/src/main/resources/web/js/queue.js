// The prompt queue under the timeline: the running prompt and those waiting, each waiting one with
// a cancel button for people who may prompt.

import { h, clear, iconButton } from './dom.js';
import { del } from './api.js';

export class QueueView {
  constructor(sessionId, { personName }) {
    this.sessionId = sessionId;
    this.personName = personName;
    this.canCancel = false;
    this.queue = [];
    this.el = h('section', { class: 'queue', 'aria-label': 'Prompt queue' });
    this.el.hidden = true;
  }

  set(queue, canCancel) {
    this.queue = queue ?? [];
    this.canCancel = canCancel;
    this.render();
  }

  get running() {
    // a turn waiting for an answer can be stopped too
    return this.queue.some((m) => m.status === 'processing' || m.status === 'waiting');
  }

  render() {
    clear(this.el);
    const pending = this.queue.filter((m) => m.status === 'pending');
    this.el.hidden = pending.length === 0;
    if (!pending.length) return;
    this.el.append(h('h2', { class: 'section-title' }, `Queued (${pending.length})`),
      h('ul', {}, pending.map((m) => h('li', { class: 'queued', dataset: { messageId: m.id } },
        h('span', { class: 'queued-text', title: m.content }, m.content),
        h('span', { class: 'muted' }, this.personName(m.authorId) ?? ''),
        this.canCancel ? iconButton('Cancel queued prompt', '✕', (e) => this.cancel(m, e.currentTarget)) : null))));
  }

  async cancel(message, button) {
    button.disabled = true;
    try {
      await del(`/api/sessions/${encodeURIComponent(this.sessionId)}/prompts/${encodeURIComponent(message.id)}`);
      this.queue = this.queue.filter((m) => m.id !== message.id);
      this.render();
    } catch (e) {
      button.disabled = false;
      button.title = e.message;
    }
  }
}
