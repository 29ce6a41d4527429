// The prompt box. Enter sends, Shift+Enter is a new line; typing tells the others (and warms the
// sandbox) at most every few seconds. When this person may not prompt, it says why. Images and
// text files can be pasted, dropped or picked; they show as chips (removable) and go with the
// prompt as a form. The server decides what it takes and says why it refuses a file.

import { h, clear } from './dom.js';
import { post, dataUrl } from './api.js';
import { extension, fileSize } from './format.js';

const TYPING_EVERY_MS = 3000;
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,text/*,.md,.json,.yaml,.yml,.toml,.csv,.log,.diff,.patch,'
  + '.js,.ts,.tsx,.jsx,.py,.java,.kt,.go,.rs,.rb,.c,.h,.cpp,.cs,.sh,.sql,.xml,.html,.css';

export class Composer {
  constructor(sessionId, { onTyping }) {
    this.sessionId = sessionId;
    this.onTyping = onTyping;
    this.lastTyping = 0;
    this.files = [];
    this.input = h('textarea', {
      id: 'prompt', name: 'prompt', rows: 3,
      placeholder: 'Ask for a change… (Enter to send, Shift+Enter for a new line; paste or drop images and files)',
      'aria-describedby': 'composer-note',
    });
    this.picker = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'visually-hidden', tabindex: '-1',
      'aria-hidden': 'true' });
    this.attach = h('button', { type: 'button', class: 'button attach-button', 'aria-label': 'Attach files',
      title: 'Attach images or text files (or paste or drop them on the prompt)' }, 'Attach');
    this.send = h('button', { type: 'submit', class: 'button primary', 'aria-label': 'Send prompt' }, 'Send');
    this.chips = h('ul', { class: 'attachment-chips', 'aria-label': 'Attached files' });
    this.chips.hidden = true;
    this.note = h('p', { class: 'composer-note', id: 'composer-note', role: 'status' });
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.error.hidden = true;
    this.el = h('form', { class: 'composer', 'aria-label': 'Prompt' },
      h('label', { for: 'prompt', class: 'visually-hidden' }, 'Prompt'),
      this.chips,
      h('div', { class: 'composer-row' }, this.attach, this.input, this.send),
      this.picker,
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
    this.input.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault(); // a pasted screenshot is a file, not its name as text
      this.addFiles(files);
    });
    this.el.addEventListener('dragover', (event) => {
      if (this.input.disabled || ![...(event.dataTransfer?.types ?? [])].includes('Files')) return;
      event.preventDefault();
      this.el.classList.add('dropping');
    });
    this.el.addEventListener('dragleave', () => this.el.classList.remove('dropping'));
    this.el.addEventListener('drop', (event) => {
      this.el.classList.remove('dropping');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (!files.length || this.input.disabled) return;
      event.preventDefault();
      this.addFiles(files);
    });
    this.attach.addEventListener('click', () => this.picker.click());
    this.picker.addEventListener('change', () => {
      this.addFiles([...this.picker.files]);
      this.picker.value = '';
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
    this.attach.disabled = Boolean(reason);
    this.el.classList.toggle('blocked', Boolean(reason));
    this.note.textContent = reason ?? '';
    this.note.hidden = !reason;
  }

  addFiles(files) {
    for (const file of files) {
      // a pasted image has a generic name; the server makes every name safe and unique
      this.files.push(file);
    }
    this.requestId = null; // different files: a different prompt
    this.error.hidden = true;
    this.renderChips();
    this.input.focus();
  }

  removeFile(file) {
    this.files = this.files.filter((f) => f !== file);
    this.requestId = null;
    this.renderChips();
  }

  renderChips() {
    clear(this.chips);
    this.chips.hidden = !this.files.length;
    for (const file of this.files) {
      const thumbnail = file.type.startsWith('image/')
        ? h('img', { class: 'chip-thumbnail', alt: '' })
        : h('span', { class: 'chip-icon', 'aria-hidden': 'true' }, extension(file.name));
      if (thumbnail.tagName === 'IMG') dataUrl(file).then((url) => { thumbnail.src = url; }, () => {});
      this.chips.append(h('li', { class: 'attachment-chip' },
        thumbnail,
        h('span', { class: 'chip-name' }, file.name || 'pasted file'),
        h('span', { class: 'chip-size muted' }, fileSize(file.size)),
        h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${file.name || 'pasted file'}`,
          title: 'Remove', onclick: () => this.removeFile(file) }, '×')));
    }
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
      const path = `/api/sessions/${encodeURIComponent(this.sessionId)}/prompts`;
      if (this.files.length) {
        const form = new FormData();
        form.append('content', content);
        form.append('clientRequestId', this.requestId);
        for (const file of this.files) form.append('attachment', file, file.name || 'pasted');
        await post(path, form);
      } else {
        await post(path, { content, clientRequestId: this.requestId });
      }
      this.requestId = null;
      this.input.value = '';
      this.files = [];
      this.renderChips();
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
