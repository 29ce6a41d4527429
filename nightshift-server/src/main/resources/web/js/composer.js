// The prompt box. Enter sends, Shift+Enter is a new line; typing tells the others (and warms the
// sandbox) at most every few seconds. When this person may not prompt, it says why.

import { h } from './dom.js';
import { post } from './api.js';

const TYPING_EVERY_MS = 3000;

export class Composer {
  constructor(sessionId, { onTyping }) {
    this.sessionId = sessionId;
    this.onTyping = onTyping;
    this.lastTyping = 0;
    this.input = h('textarea', {
      id: 'prompt', name: 'prompt', rows: 3, placeholder: 'Ask for a change… (Enter to send, Shift+Enter for a new line)',
      'aria-describedby': 'composer-note',
    });
    this.send = h('button', { type: 'submit', class: 'button primary', 'aria-label': 'Send prompt' }, 'Send');
    this.note = h('p', { class: 'composer-note', id: 'composer-note', role: 'status' });
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.error.hidden = true;
    this.el = h('form', { class: 'composer', 'aria-label': 'Prompt' },
      h('label', { for: 'prompt', class: 'visually-hidden' }, 'Prompt'),
      h('div', { class: 'composer-row' }, this.input, this.send),
      this.error,
      this.note);
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      const now = Date.now();
      if (this.input.value && now - this.lastTyping > TYPING_EVERY_MS) {
        this.lastTyping = now;
        this.onTyping();
      }
    });
    this.el.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  /** @param reason null when prompting is allowed, else what to tell the person */
  setBlocked(reason) {
    this.input.disabled = Boolean(reason);
    this.send.disabled = Boolean(reason);
    this.el.classList.toggle('blocked', Boolean(reason));
    this.note.textContent = reason ?? '';
    this.note.hidden = !reason;
  }

  async submit() {
    const content = this.input.value.trim();
    if (!content || this.input.disabled || this.sending) return;
    this.sending = true;
    this.send.disabled = true;
    this.error.hidden = true;
    try {
      // the same request id on a retry returns the same prompt instead of queueing it twice
      this.requestId ??= crypto.randomUUID();
      await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/prompts`, { content, clientRequestId: this.requestId });
      this.requestId = null;
      this.input.value = '';
    } catch (e) {
      if (e.status !== 0) this.requestId = null;
      this.error.textContent = e.message;
      this.error.hidden = false;
    } finally {
      this.sending = false;
      this.send.disabled = this.input.disabled;
      this.input.focus();
    }
  }
}
