// "Changes": the files the session changed and the diff, unified or side by side. It reads
// GET /api/sessions/{id}/diff; while that is missing (404) or has nothing, it shows an empty state.

import { h, append, clear, state } from './dom.js';
import { get } from './api.js';
import { plural } from './format.js';
import { parsePatch, sideBySide } from './diff-parse.js';

const MODE_KEY = 'nightshift.diffMode';

export class DiffView {
  constructor(sessionId, { onFiles }) {
    this.sessionId = sessionId;
    this.onFiles = onFiles;
    this.mode = localStorage.getItem(MODE_KEY) ?? 'unified';
    this.diff = null;
    this.el = h('section', { class: 'changes', 'aria-label': 'Changes' });
    this.stale = true;
  }

  /** Loads the diff again if something may have changed it since. */
  async refresh({ force = false } = {}) {
    if (!force && !this.stale) return;
    this.stale = false;
    if (!this.diff) clear(this.el).append(state('loading', 'Loading changes…'));
    try {
      this.diff = await get(`/api/sessions/${encodeURIComponent(this.sessionId)}/diff`);
    } catch (e) {
      this.diff = e.status === 404 ? { available: false, missing: true } : { available: false, failed: e.message };
    }
    this.onFiles(this.diff.available ? this.diff.files?.length ?? 0 : 0);
    this.render();
  }

  render() {
    clear(this.el);
    const diff = this.diff;
    if (diff.failed) {
      this.el.append(state('error', 'Changes could not be loaded', diff.failed,
        h('button', { type: 'button', class: 'button', onclick: () => this.refresh({ force: true }) }, 'Retry')));
      return;
    }
    if (!diff.available || !diff.files?.length) {
      this.el.append(h('div', { class: 'diff-empty' }, state('empty', 'No changes yet',
        diff.reason ?? 'When the agent changes files on its branch, they show up here with the diff against the base branch.')));
      return;
    }
    const additions = diff.files.reduce((n, f) => n + (f.additions ?? 0), 0);
    const deletions = diff.files.reduce((n, f) => n + (f.deletions ?? 0), 0);
    const parsed = new Map(parsePatch(diff.patch).map((f) => [f.path, f]));
    append(this.el, [
      h('div', { class: 'diff-toolbar' },
        h('p', {}, h('strong', {}, plural(diff.files.length, 'file')), ' changed ',
          h('span', { class: 'additions' }, `+${additions}`), ' ', h('span', { class: 'deletions' }, `−${deletions}`),
          diff.branch ? h('span', { class: 'muted' }, ` · ${diff.branch} → ${diff.base}`) : null),
        this.modeSwitch()),
      diff.truncated ? h('p', { class: 'notice' }, 'The diff is too large to show in full; it is cut short.') : null,
      h('ul', { class: 'file-list', 'aria-label': 'Files changed' }, diff.files.map((f, i) => h('li', {},
        h('a', { href: `#diff-file-${i}` },
          h('span', { class: `file-status file-${f.status}` }, f.status), ' ',
          f.oldPath && f.oldPath !== f.path ? `${f.oldPath} → ${f.path}` : f.path),
        h('span', { class: 'file-stats' }, h('span', { class: 'additions' }, `+${f.additions}`), ' ',
          h('span', { class: 'deletions' }, `−${f.deletions}`))))),
      diff.files.map((f, i) => this.fileView(f, parsed.get(f.path), i))]);
  }

  modeSwitch() {
    const option = (value, label) => {
      const input = h('input', { type: 'radio', name: 'diff-mode', value, id: `diff-mode-${value}`, checked: this.mode === value });
      input.addEventListener('change', () => {
        this.mode = value;
        localStorage.setItem(MODE_KEY, value);
        this.render();
      });
      return [input, h('label', { for: `diff-mode-${value}` }, label)];
    };
    return h('fieldset', { class: 'segmented small' }, h('legend', { class: 'visually-hidden' }, 'Diff layout'),
      option('unified', 'Unified'), option('split', 'Side by side'));
  }

  fileView(file, parsed, index) {
    const hunks = parsed?.hunks ?? [];
    return h('section', { class: 'diff-file', id: `diff-file-${index}`, 'aria-label': file.path },
      h('h3', { class: 'diff-file-name' }, file.path),
      hunks.length === 0 ? h('p', { class: 'muted diff-binary' }, 'No text changes to show (binary, mode or rename only).')
        : h('table', { class: `diff-table diff-${this.mode}` },
          hunks.map((hunk) => h('tbody', {},
            h('tr', { class: 'hunk-header' }, h('td', { colspan: this.mode === 'split' ? 4 : 3 }, hunk.header)),
            this.mode === 'split' ? sideBySide(hunk.lines).map(splitRow) : hunk.lines.map(unifiedRow)))));
  }
}

const SIGN = { add: '+', del: '-', ctx: ' ', note: '' };

function unifiedRow(line) {
  return h('tr', { class: `line-${line.kind}` },
    h('td', { class: 'line-no' }, line.oldNo ?? ''), h('td', { class: 'line-no' }, line.newNo ?? ''),
    h('td', { class: 'line-code' }, SIGN[line.kind] + line.text));
}

function splitRow({ left, right }) {
  const side = (line, no) => line
    ? [h('td', { class: 'line-no' }, line[no] ?? ''), h('td', { class: `line-code line-${line.kind}` }, line.text)]
    : [h('td', { class: 'line-no empty' }), h('td', { class: 'line-code empty' })];
  return h('tr', {}, side(left, 'oldNo'), side(right, 'newNo'));
}
