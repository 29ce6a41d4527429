// A tool call as a compact, collapsible card: what ran (command, file, pattern), how it ended
// (exit code, error), its output cut to the first lines, and a subagent's own steps inside it.

import { h, clear } from './dom.js';
import { parseArguments } from './format.js';
import { renderMarkdown } from './markdown.js';

const SHOWN_LINES = 12;
const EDITING_TOOLS = new Set(['edit', 'write']);

/** What the one-line summary says about a call. */
export function describe(name, args) {
  switch (name) {
    case 'bash': return args.command ?? '';
    case 'read': case 'write': case 'edit': case 'ls': return args.path ?? '';
    case 'grep': return args.pattern ? `${args.pattern}${args.path ? ` in ${args.path}` : ''}` : '';
    case 'glob': return args.pattern ?? '';
    case 'todo_write': return 'updated the plan';
    case 'task': return `${args.kind ?? ''} subagent: ${(args.prompt ?? '').split('\n')[0]}`;
    case 'web_fetch': return args.url ?? '';
    case 'skill': return args.name ?? '';
    case 'ask_user': return (args.questions ?? []).map((q) => q.question).join(' · ');
    case 'propose_plan': return (args.plan ?? '').split('\n')[0];
    default: return args.raw ?? '';
  }
}

/** How a result ended, from the tool's own words ("exit code 1 after 0.2 s", "timed out", "stopped"). */
export function outcome(result) {
  const content = result.content ?? '';
  const exit = content.match(/exit code (-?\d+) after ([^\n]+)$/m) ?? content.match(/exited at once with exit code (-?\d+)/);
  if (/\n\nstopped after [^\n]*$/.test(content)) return { label: 'stopped', tone: 'warn' };
  if (/\n\n(timed out|killed) after/.test(content)) return { label: 'killed', tone: 'bad' };
  if (exit) return { label: `exit ${exit[1]}`, tone: exit[1] === '0' && !result.error ? 'good' : 'bad', took: exit[2] };
  return result.error ? { label: 'error', tone: 'bad' } : { label: 'done', tone: 'good' };
}

export class ToolCard {
  constructor(event, { nested = false } = {}) {
    const data = event.data ?? {};
    this.name = data.name;
    this.args = parseArguments(data.arguments);
    this.badge = h('span', { class: 'badge badge-running' }, h('span', { class: 'spinner small', 'aria-hidden': 'true' }), 'running');
    this.body = h('div', { class: 'tool-body' }, this.argumentsView());
    this.el = h('details', {
      // a top-level card's entry carries the sequence number; a nested one has no entry of its own
      class: `tool-card${nested ? ' nested' : ''}`, dataset: { callId: data.callId, tool: this.name, ...(nested ? { seq: event.seq } : {}) },
    },
    h('summary', {},
      h('span', { class: 'tool-name' }, this.name),
      h('span', { class: 'tool-summary', title: describe(this.name, this.args) }, describe(this.name, this.args)),
      EDITING_TOOLS.has(this.name) ? h('span', { class: 'badge badge-file' }, 'file edited') : null,
      this.badge),
    this.body);
  }

  argumentsView() {
    const { name, args } = this;
    if (name === 'bash') return h('pre', { class: 'tool-command' }, h('code', {}, `$ ${args.command ?? ''}`));
    if (name === 'edit') {
      return h('div', { class: 'tool-edit' },
        h('pre', { class: 'diff-old', 'aria-label': 'replaced text' }, args.old_string ?? ''),
        h('pre', { class: 'diff-new', 'aria-label': 'new text' }, args.new_string ?? ''));
    }
    if (name === 'task') return h('p', { class: 'tool-prompt' }, args.prompt ?? '');
    const shown = Object.entries(args).filter(([, v]) => typeof v !== 'object' || v === null);
    if (!shown.length) return null;
    return h('dl', { class: 'tool-args' }, shown.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v).slice(0, 500))]));
  }

  /** The result arrived: badge and output. */
  /** The call asked people and its turn waits for them: no spinner, it is not running. */
  waiting() {
    this.badge.className = 'badge badge-warn';
    clear(this.badge).append('waiting for an answer');
  }

  /** @param media the call's screenshots and videos as thumbnails, or null */
  finish(event, media = null) {
    const result = event.data ?? {};
    const end = outcome(result);
    this.el.classList.toggle('failed', end.tone === 'bad');
    this.badge.className = `badge badge-${end.tone}`;
    clear(this.badge).append(end.label);
    if (end.took) this.badge.title = `took ${end.took}`;
    this.el.dataset.resultSeq = event.seq;
    this.body.append(output(result.content ?? ''));
    if (media) {
      // what the call saw is shown at once: the card opens with the thumbnails first
      this.el.classList.add('has-media');
      this.media = media;
      this.body.prepend(media);
      this.el.open = true;
    }
  }

  /** A subagent's steps go inside the card of the task call that started it. */
  subagentSection(kind) {
    if (!this.subagent) {
      this.subagent = h('div', { class: 'subagent', role: 'group', 'aria-label': `${kind ?? ''} subagent steps` },
        h('p', { class: 'subagent-title' }, kind ? `${kind[0].toUpperCase()}${kind.slice(1)} subagent` : 'Subagent'));
      this.body.append(this.subagent);
      this.el.open = true;
    }
    return this.subagent;
  }

  addSubagentMessage(event) {
    const data = event.data ?? {};
    const section = this.subagentSection(data.kind);
    if (data.text) section.append(renderMarkdown(h('div', { class: 'markdown subagent-text', dataset: { seq: event.seq } }), data.text));
  }
}

function output(content) {
  const lines = content.split('\n');
  const pre = h('pre', { class: 'tool-output' }, lines.slice(0, SHOWN_LINES).join('\n'));
  if (lines.length <= SHOWN_LINES) return pre;
  const more = h('button', { type: 'button', class: 'link-button' }, `Show all ${lines.length} lines`);
  more.addEventListener('click', () => {
    pre.textContent = content;
    more.remove();
  });
  return h('div', {}, pre, more);
}
