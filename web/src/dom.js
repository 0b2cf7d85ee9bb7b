// A tiny DOM builder: h('td', {class: 'num'}, text, child, [more]).
// Props starting with "on" add listeners; null/false props and children are
// skipped; strings and numbers become text nodes (never parsed as HTML, so
// API text is always shown as text).
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Replaces the children of el.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
export const nextId = (prefix) => `${prefix}-${++uid}`;

// A labelled form field: the label's for= points at the control, so tests and
// screen readers find the control by its label.
export function field(labelText, control, hint) {
  if (!control.id) control.id = nextId('f');
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control,
    hint ? h('small', { class: 'hint' }, hint) : null);
}
