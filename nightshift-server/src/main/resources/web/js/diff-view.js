// "Changes": the files the session changed and the diff, drawn by diff2html line by line or side by
// side (always line by line on a phone). It reads GET /api/sessions/{id}/diff; while that is missing
// (404) or has nothing, it shows an empty state. diff2html escapes the code it draws; its HTML still
// goes through DOMPurify before it reaches the page, since the diff is the agent's work.

import { h, append, clear, state } from './dom.js';
import { get } from './api.js';
import { plural } from './format.js';
import DOMPurify from '/vendor/dompurify/dist/purify.es.mjs';

const MODE_KEY = 'nightshift.diffMode';
const PHONE = window.matchMedia('(max-width: 760px)');

let library = null;

/** diff2html's browser bundle (a classic script that defines the global Diff2Html), loaded once, when first needed. */
function diff2html() {
  library ??= new Promise((resolve, reject) => {
    if (globalThis.Diff2Html) return resolve(globalThis.Diff2Html);
    const script = h('script', { src: '/vendor/diff2html/diff2html.min.js' });
    script.onload = () => resolve(globalThis.Diff2Html);
    script.onerror = () => {
      library = null;
      reject(new Error('the diff renderer could not be loaded; try again'));
    };
    document.head.append(script);
  });
  return library;
}

export class DiffView {
  constructor(sessionId, { onFiles }) {
    this.sessionId = sessionId;
    this.onFiles = onFiles;
    this.mode = localStorage.getItem(MODE_KEY) ?? 'unified';
    this.diff = null;
    this.el = h('section', { class: 'changes', 'aria-label': 'Changes' });
    this.stale = true;
    // crossing the phone width redraws: side by side does not fit a phone
    this.onWidth = () => {
      if (!this.el.isConnected) PHONE.removeEventListener('change', this.onWidth);
      else if (this.diff && this.renderer) this.render();
    };
    PHONE.addEventListener('change', this.onWidth);
  }

  /** Side by side only where there is room for it. */
  get layout() {
    return PHONE.matches ? 'unified' : this.mode;
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
    if (this.diff.available && this.diff.files?.length) {
      try {
        this.renderer = await diff2html();
      } catch (e) {
        this.diff = { available: false, failed: e.message };
        this.stale = true;
      }
    }
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
    const parsed = byPath(this.renderer.parse(diff.patch ?? ''));
    append(this.el, [
      h('div', { class: 'diff-toolbar' },
        h('p', {}, h('strong', {}, plural(diff.files.length, 'file')), ' changed ',
          h('span', { class: 'additions' }, `+${additions}`), ' ', h('span', { class: 'deletions' }, `−${deletions}`),
          diff.branch ? h('span', { class: 'muted' }, ` · ${diff.branch} → ${diff.base}`) : null),
        PHONE.matches ? null : this.modeSwitch()),
      diff.truncated ? h('p', { class: 'notice' }, 'The diff is too large to show in full; it is cut short.') : null,
      h('ul', { class: 'file-list', 'aria-label': 'Files changed' }, diff.files.map((f, i) => h('li', {},
        h('a', { href: `#diff-file-${i}` },
          h('span', { class: `file-status file-${f.status}` }, f.status), ' ',
          f.oldPath && f.oldPath !== f.path ? `${f.oldPath} → ${f.path}` : f.path),
        h('span', { class: 'file-stats' }, h('span', { class: 'additions' }, `+${f.additions}`), ' ',
          h('span', { class: 'deletions' }, `−${f.deletions}`))))),
      diff.files.map((f, i) => this.fileView(f, parsed.get(f.path) ?? parsed.get(f.oldPath), i))]);
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
    const section = h('section', { class: 'diff-file', id: `diff-file-${index}`, 'aria-label': file.path });
    if (!parsed?.blocks?.length) {
      section.append(h('div', { class: 'd2h-file-wrapper' },
        h('div', { class: 'd2h-file-header' }, h('span', { class: 'd2h-file-name-wrapper' }, h('span', { class: 'd2h-file-name' }, file.path))),
        h('p', { class: 'muted diff-binary' }, 'No text changes to show (binary, mode or rename only).')));
      return section;
    }
    const html = this.renderer.html([parsed], {
      outputFormat: this.layout === 'split' ? 'side-by-side' : 'line-by-line',
      drawFileList: false,
      matching: 'lines',
      diffStyle: 'word',
      colorScheme: 'auto',
    });
    section.innerHTML = DOMPurify.sanitize(html);
    return section;
  }
}

/** diff2html's files by path: the new name, and the old one for a deleted file. */
function byPath(files) {
  const map = new Map();
  for (const f of files) if (f.newName && f.newName !== '/dev/null') map.set(f.newName, f);
  for (const f of files) if (f.oldName && f.oldName !== '/dev/null' && !map.has(f.oldName)) map.set(f.oldName, f);
  return map;
}
