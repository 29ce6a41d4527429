// A tiny element builder. Text always goes in as text nodes, so nothing a model or a user wrote
// can become markup by accident; the one place HTML is made (Markdown) sanitizes it first.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** An empty, loading or error state that looks designed rather than missing. */
export function state(kind, title, detail, ...actions) {
  return h('div', { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    kind === 'loading' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null,
    h('p', { class: 'state-title' }, title),
    detail ? h('p', { class: 'state-detail' }, detail) : null,
    actions.length ? h('div', { class: 'state-actions' }, actions) : null);
}

export function iconButton(label, symbol, onclick, extraClass = '') {
  return h('button', { type: 'button', class: `icon-button ${extraClass}`, 'aria-label': label, title: label, onclick },
    h('span', { 'aria-hidden': 'true' }, symbol));
}
