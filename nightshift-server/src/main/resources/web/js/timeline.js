// The session's log as a timeline. Events are kept by sequence number, so one that arrives twice
// (a reconnect's snapshot overlapping what is shown) is dropped; one older than what is on screen
// (history paged in, a gap filled) makes the timeline draw itself again from the start. Every type
// of the server's event catalogue (EventType) has a case below; a test keeps it so.

import { h, clear } from './dom.js';
import { fetchBlob, dataUrl } from './api.js';
import { extension, fileSize } from './format.js';
import { renderMarkdown } from './markdown.js';
import { ToolCard } from './tool-card.js';
import { QuestionCard } from './question-card.js';
import { gitLine, hookFailed, hookLine, networkLine } from './event-lines.js';
import { isMedia, mediaItem, mediaStrip } from './media.js';

const TURN_END = { completed: 'Turn finished', stopped: 'Turn stopped', failed: 'Turn failed' };

export class Timeline {
  /**
   * @param context {personName(userId), onTodo(todos), onArtifact(artifact), onGit(event), onSandbox(state),
   *   canAnswer(), answer(questionId, answers), approvePlan(planId, plan),
   *   openSession(id), branch(seq) — absent when the viewer cannot fork, sessionId}
   */
  constructor(context) {
    this.context = context;
    this.events = new Map();
    this.renderedThrough = 0;
    this.el = h('ol', { class: 'timeline', 'aria-label': 'Session timeline' });
    this.reset();
  }

  get lastSeq() {
    return this.renderedThrough;
  }

  get firstSeq() {
    let first = Infinity;
    for (const seq of this.events.keys()) first = Math.min(first, seq);
    return first;
  }

  get size() {
    return this.events.size;
  }

  /** Adds events in any order, each once; returns how many were new. */
  add(events) {
    const fresh = events.filter((e) => !this.events.has(e.seq));
    if (!fresh.length) return 0;
    for (const event of fresh) this.events.set(event.seq, event);
    if (fresh.some((e) => e.seq < this.renderedThrough)) {
      this.redraw();
    } else {
      fresh.sort((a, b) => a.seq - b.seq).forEach((e) => this.render(e));
    }
    return fresh.length;
  }

  redraw() {
    clear(this.el);
    this.reset();
    [...this.events.values()].sort((a, b) => a.seq - b.seq).forEach((e) => this.render(e));
  }

  reset() {
    this.renderedThrough = 0;
    this.cards = new Map();
    this.questions = new Map();
    this.children = new Map();
    this.streaming = null;
  }

  render(event) {
    this.renderedThrough = Math.max(this.renderedThrough, event.seq);
    const data = event.data ?? {};
    switch (event.type) {
      case 'user_message': return this.item(event, 'user', this.userMessage(event));
      case 'step_start': this.streaming = null; return undefined;
      case 'token': return this.token(event);
      case 'assistant_message': return this.assistant(event);
      case 'tool_call': return this.toolCall(event);
      case 'tool_result': return this.cards.get(data.callId)?.finish(event, this.media(data.media));
      case 'subagent_message': return this.cards.get(data.parentCallId)?.addSubagentMessage(event);
      case 'subagent_tool_call': return this.subagentCall(event);
      case 'subagent_tool_result': return this.cards.get(`${data.parentCallId}/${data.callId}`)?.finish(event);
      case 'todo': return this.todo(event);
      case 'artifact': return this.artifact(event);
      case 'git': return this.git(event);
      case 'sandbox_status': return this.sandbox(event);
      case 'sandbox_hook': return this.item(event, hookFailed(data) ? 'error' : 'sandbox', h('p', {}, hookLine(data)));
      case 'sandbox_network': return this.item(event, 'error', h('p', {}, networkLine(data)));
      case 'error': return this.item(event, 'error', h('p', { role: 'alert' }, h('strong', {}, 'Error: '), data.message ?? 'the turn failed'));
      case 'turn_complete': return this.turnEnd(event);
      case 'context_compacted': return this.note(event, 'Earlier conversation was condensed to fit the model’s context window.');
      case 'question': return this.question(event);
      case 'plan': return this.question(event);
      case 'answer': return this.questions.get(data.questionId)?.answered(event);
      case 'plan_review': return this.questions.get(data.planId)?.answered(event);
      case 'model_fallback': return this.note(event, `Switched model from ${data.from} to ${data.to}${data.reason ? `: ${data.reason}` : ''}.`);
      case 'turn_resumed': return this.note(event, data.reason ? `The turn resumed: ${data.reason}.` : 'The server restarted; the turn resumed from the log.');
      case 'forked_from': return this.forkedFrom(event);
      case 'child_session': return this.childSession(event);
      case 'terminal_input': return this.item(event, 'note', h('p', { class: 'terminal-typed' },
        `${data.author ?? this.context.personName(data.authorId) ?? 'someone'} typed in the terminal: `,
        h('code', {}, (data.text ?? '').replace(/\n$/, '').replaceAll('\n', ' ⏎ '))));
      case 'step_finish': return undefined;
      default: return this.note(event, `${event.type.replaceAll('_', ' ')}${data.message ? `: ${data.message}` : ''}`);
    }
  }

  item(event, kind, ...content) {
    const li = h('li', { class: `entry entry-${kind}`, dataset: { seq: event.seq, type: event.type } }, content);
    this.el.append(li);
    return li;
  }

  note(event, text) {
    return this.item(event, 'note', h('p', {}, text));
  }

  userMessage(event) {
    const data = event.data ?? {};
    return [
      h('p', { class: 'entry-author' }, this.context.personName(data.authorId) ?? 'someone',
        data.source && data.source !== 'web' ? h('span', { class: 'muted' }, ` via ${data.source}`) : null),
      h('div', { class: 'user-text' }, data.content ?? ''),
      this.attachments(data.attachments ?? []),
    ];
  }

  /**
   * A prompt's files: images as thumbnails (opening the full image), text files as downloads. Both
   * are fetched with this tab's token, since an <img> or a link cannot send it.
   */
  attachments(files) {
    if (!files.length) return null;
    return h('ul', { class: 'attachments', 'aria-label': 'Attached files' }, files.map((file) => {
      const path = `/api/sessions/${encodeURIComponent(this.context.sessionId)}/attachments/${encodeURIComponent(file.id)}`;
      const label = `${file.name} (${fileSize(file.size ?? 0)})`;
      const link = h('a', { class: 'attachment', href: '#', title: label, dataset: { attachmentId: file.id } });
      let blob = null;
      const load = async () => {
        blob ??= await fetchBlob(path);
        return blob;
      };
      if (file.mediaType?.startsWith('image/')) {
        const image = h('img', { class: 'attachment-thumbnail', alt: file.name });
        link.append(image);
        load().then(dataUrl).then((url) => { image.src = url; }, () => link.classList.add('attachment-missing'));
      } else {
        link.append(h('span', { class: 'chip-icon', 'aria-hidden': 'true' }, extension(file.name)), h('span', {}, label));
      }
      link.addEventListener('click', async (event) => {
        event.preventDefault();
        try {
          const url = URL.createObjectURL(await load());
          const open = h('a', { href: url, target: '_blank', rel: 'noopener' });
          if (!file.mediaType?.startsWith('image/')) open.download = file.name;
          open.click();
          setTimeout(() => URL.revokeObjectURL(url), 60_000);
        } catch {
          link.classList.add('attachment-missing');
        }
      });
      return h('li', {}, link);
    }));
  }

  /** Streamed text: shown as it comes, replaced by the whole answer once the step's message is in. */
  token(event) {
    if (!this.streaming) {
      this.streaming = { text: '', body: h('div', { class: 'markdown' }) };
      this.streaming.entry = this.item(event, 'assistant streaming', this.streaming.body);
    }
    this.streaming.text += event.data?.text ?? '';
    const streaming = this.streaming;
    if (!streaming.pending) {
      streaming.pending = true;
      requestAnimationFrame(() => {
        streaming.pending = false;
        if (!streaming.done) renderMarkdown(streaming.body, streaming.text);
      });
    }
  }

  assistant(event) {
    const text = event.data?.text ?? '';
    const streaming = this.streaming;
    this.streaming = null;
    if (streaming) {
      streaming.done = true;
      streaming.entry.classList.remove('streaming');
      streaming.entry.dataset.messageSeq = event.seq;
      if (!text.trim()) return streaming.entry.remove();
      return renderMarkdown(streaming.body, text);
    }
    if (!text.trim()) return undefined;
    return this.item(event, 'assistant', renderMarkdown(h('div', { class: 'markdown' }), text));
  }

  toolCall(event) {
    this.streaming = null;
    const card = new ToolCard(event);
    this.cards.set(event.data?.callId, card);
    return this.item(event, 'tool', card.el);
  }

  subagentCall(event) {
    const data = event.data ?? {};
    const parent = this.cards.get(data.parentCallId);
    if (!parent) return undefined;
    const card = new ToolCard(event, { nested: true });
    this.cards.set(`${data.parentCallId}/${data.callId}`, card);
    parent.subagentSection(data.kind).append(card.el);
    return card;
  }

  todo(event) {
    const todos = event.data?.todos ?? [];
    this.context.onTodo(todos);
    const done = todos.filter((t) => t.status === 'completed').length;
    return this.note(event, `Plan updated: ${done} of ${todos.length} done.`);
  }

  artifact(event) {
    const artifact = event.data ?? {};
    this.context.onArtifact(artifact);
    if (isMedia(artifact)) {
      const item = mediaItem(artifact);
      return this.item(event, 'media', h('p', {}, `${artifact.type === 'video' ? 'Video' : 'Screenshot'} kept: ${item.name}`),
        this.media([artifact]));
    }
    const label = { branch: 'Branch', pr: 'Pull request', preview_url: 'Preview', diff: 'Diff' }[artifact.type] ?? artifact.type;
    return this.item(event, 'note', h('p', {}, `${label} ready`,
      artifact.url ? [' — ', h('a', { href: artifact.url, target: '_blank', rel: 'noopener noreferrer' }, artifact.url)] : null));
  }

  /** Thumbnails (a screenshot opens the lightbox) or players for media refs or artifacts; null for none. */
  media(refs) {
    if (!Array.isArray(refs) || !refs.length) return null;
    return mediaStrip(this.context.sessionId, refs.filter((r) => r?.url).map(mediaItem), this.context.openMedia);
  }

  git(event) {
    const data = event.data ?? {};
    this.context.onGit(event);
    const failed = Boolean(data.error);
    return this.item(event, failed ? 'error' : 'git',
      h('p', {}, h('span', { class: 'badge badge-git' }, 'git'), ' ', gitLine(data),
        data.url ? [' — ', h('a', { href: data.url, target: '_blank', rel: 'noopener noreferrer' }, data.url)] : null));
  }

  sandbox(event) {
    const data = event.data ?? {};
    this.context.onSandbox(data.state);
    return this.item(event, 'sandbox', h('p', {},
      h('span', { class: `dot dot-${data.state}`, 'aria-hidden': 'true' }), `Sandbox ${data.state ?? ''}`,
      data.reason ? h('span', { class: 'muted' }, ` — ${data.reason}`) : null));
  }

  /** A question or plan: its card asks, and a form answers while the turn waits. */
  question(event) {
    this.streaming = null;
    this.cards.get(event.data?.callId)?.waiting();
    const card = new QuestionCard(event, this.context);
    this.questions.set(card.id, card);
    return this.item(event, 'question', card.el);
  }

  turnEnd(event) {
    this.streaming = null;
    for (const card of this.questions.values()) {
      if (card.open && card.event.messageId === event.messageId) card.cancelled();
    }
    const data = event.data ?? {};
    const end = this.item(event, `turn-end turn-${data.status}`,
      h('p', {}, TURN_END[data.status] ?? `Turn ${data.status}`, data.error ? h('span', { class: 'muted' }, ` — ${data.error}`) : null));
    if (this.context.branch) {
      // under the turn's end, in an entry of its own (not one of the log's events)
      this.el.append(h('li', { class: 'entry entry-branch-point' },
        data.commit ? h('code', { class: 'muted commit', title: `The workspace as this turn left it: ${data.commit}` }, data.commit.slice(0, 8)) : null,
        h('button', {
          type: 'button', class: 'button small branch-here',
          title: 'Start a new session from this point: this conversation so far and the files as this turn left them',
          onclick: (e) => this.context.branch(event.seq, e.currentTarget),
        }, 'Branch from here')));
    }
    return end;
  }

  /**
   * A child session the agent started: one entry per child, where it started, whose status follows
   * each of the child's turns.
   */
  childSession(event) {
    const data = event.data ?? {};
    const status = h('span', { class: `status status-${data.status === 'started' ? 'active' : data.status}` }, data.status ?? '');
    const error = data.error ? h('span', { class: 'muted' }, ` — ${data.error}`) : null;
    const known = this.children.get(data.sessionId);
    if (known) {
      known.status.replaceWith(status);
      known.error?.remove();
      if (error) status.after(error);
      known.status = status;
      known.error = error;
      return known.entry;
    }
    const link = h('a', { href: `/sessions/${data.sessionId}`,
      onclick: (e) => { if (this.context.openSession) { e.preventDefault(); this.context.openSession(data.sessionId); } } },
    data.title || data.sessionId);
    const entry = this.item(event, 'note child-session', h('p', {}, 'Child session ', link, ' ', status, error));
    entry.dataset.sessionId = data.sessionId;
    this.children.set(data.sessionId, { entry, status, error });
    return entry;
  }

  /** The first event of a fork: where it branched off, linked. */
  forkedFrom(event) {
    const data = event.data ?? {};
    const from = { live: 'a copy of its workspace as it was', commit: `the files at ${(data.commit ?? '').slice(0, 8)}`, base: 'its base branch' }[data.workspace] ?? '';
    const title = data.parentTitle || data.parentId;
    return this.item(event, 'note fork-origin', h('p', {}, 'Branched from ',
      h('a', { href: `/sessions/${data.parentId}`, onclick: (e) => { if (this.context.openSession) { e.preventDefault(); this.context.openSession(data.parentId); } } }, title),
      ` at the end of a turn (event ${data.atSeq})`, from ? `, starting from ${from}.` : '.'));
  }
}
