/*
 * app.js - the strata studio page: a sidebar of tables, a data grid with
 * keyset pagination, sorting, filters, inline edits, foreign-key
 * navigation, and the _prisma_migrations view with `migrate status`.
 * Plain DOM, no framework, no network but this server's /api/*.
 * Every value from the database is put into the page with textContent.
 */
'use strict';

/* ==== small helpers ==== */

const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

const fmtInt = (n) => Number(n).toLocaleString('en-US');

function toast(msg, kind, detail) {
  const t = h('div', { class: 'toast' + (kind ? ' ' + kind : ''), role: kind === 'error' ? 'alert' : 'status' },
    h('div', { text: msg }), detail ? h('div', { class: 'detail', text: detail }) : null);
  $('toasts').append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 9000 : 3000);
}

function showError(e) {
  const parts = [];
  if (e.detail) parts.push(e.detail);
  if (e.hint) parts.push(e.hint);
  const code = e.code ? e.code + ': ' : '';
  toast(code + (e.message || String(e)), 'error', parts.join('\n'));
}

/* ==== API ==== */

const urlParams = new URLSearchParams(location.search);
let token = urlParams.get('token') || sessionStorage.getItem('strata_token') || '';
if (urlParams.get('token')) {
  sessionStorage.setItem('strata_token', token);
  /* keep the token out of the address bar (and of screenshots) */
  history.replaceState(null, '', location.pathname + location.hash);
}

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || 'request failed with status ' + status);
    Object.assign(this, { status, detail: e.detail, hint: e.hint, code: e.code, sqlstate: e.sqlstate });
  }
}

async function api(method, path, params, body) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  const res = await fetch(path + (qs.toString() ? '?' + qs : ''), {
    method,
    headers: Object.assign({ 'X-Strata-Token': token },
      body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  let json = null;
  try { json = await res.json(); } catch (_) { /* empty body */ }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/* ==== state ==== */

const S = {
  meta: null,
  tables: [],
  table: null,          /* table info of the open view */
  view: null,           /* {s, t, sort, dir, f: [filters]} from the hash */
  page: null,           /* {columns, rows, next, hasMore, mode, offset} */
  cursors: [null],      /* after-cursors of the pages seen (keyset) */
  pageIndex: 0,
  offset: 0,
  selected: new Set(),
  focus: { r: 0, c: 0 },
  editing: null,
  drawerRow: null,
  kbdIndex: -1,
};

const OPS = [
  ['eq', 'equals'], ['neq', 'not equal'], ['contains', 'contains'],
  ['lt', '<'], ['lte', '≤'], ['gt', '>'], ['gte', '≥'],
  ['null', 'is null'], ['notnull', 'is not null'],
];

function pageSize() { return Number($('page-size').value) || 50; }
function colIndex(name) { return S.page ? S.page.columns.indexOf(name) : -1; }
function colMeta(name) { return S.table.columns.find((c) => c.name === name); }
function writable() { return S.table && !S.table.readOnly && !S.meta.readOnly; }

function rowKey(row) {
  const key = {};
  for (const k of S.table.primaryKey) key[k] = row[colIndex(k)];
  return key;
}

/* foreign key whose columns include name */
function fkOf(name) {
  return S.table.foreignKeys.find((fk) => fk.columns.includes(name));
}

/* ==== routing: the view lives in the hash, so Back works ==== */

function viewHash(v) { return '#' + encodeURIComponent(JSON.stringify(v)); }

function parseHash() {
  if (location.hash.length < 2) return null;
  try {
    const v = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    return v && v.t ? v : null;
  } catch (_) { return null; }
}

function go(v) {
  const hash = viewHash(v);
  if (location.hash === hash) openView(v);
  else location.hash = hash;
}

window.addEventListener('hashchange', () => {
  const v = parseHash();
  if (v) openView(v);
});

/* ==== sidebar ==== */

function renderTables() {
  const q = $('table-search').value.trim().toLowerCase();
  const list = $('table-list');
  list.replaceChildren();
  let schema = null, n = 0;
  const multi = new Set(S.tables.map((t) => t.schema)).size > 1;
  S.tables.forEach((t) => {
    const hay = (t.name + ' ' + (t.model || '')).toLowerCase();
    if (q && !hay.includes(q)) return;
    if (multi && t.schema !== schema) {
      schema = t.schema;
      list.append(h('li', { class: 'schema', text: schema }));
    }
    const active = S.view && S.view.s === t.schema && S.view.t === t.name;
    const li = h('li', {
      class: 'tbl' + (active ? ' active' : '') + (n === S.kbdIndex ? ' kbd' : ''),
      role: 'option', 'aria-selected': active ? 'true' : 'false',
      title: t.schema + '.' + t.name + (t.kind !== 'table' ? ' (' + t.kind + ')' : ''),
      dataset: { schema: t.schema, name: t.name },
      onclick: () => go({ s: t.schema, t: t.name }),
    },
    h('span', { class: 'tname', text: t.name }),
    t.model && t.model !== t.name ? h('span', { class: 'model', text: t.model }) : null,
    h('span', { class: 'count', text: t.kind === 'view' ? 'view' : '≈ ' + fmtInt(t.estimate) }));
    list.append(li);
    n++;
  });
  if (!n) list.append(h('li', { class: 'none', text: q ? 'No table matches.' : 'No tables.' }));
  return n;
}

function searchKeys(e) {
  const items = [...$('table-list').querySelectorAll('li.tbl')];
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    S.kbdIndex = Math.max(0, Math.min(items.length - 1, S.kbdIndex + (e.key === 'ArrowDown' ? 1 : -1)));
    renderTables();
    const el = $('table-list').querySelectorAll('li.tbl')[S.kbdIndex];
    if (el) el.scrollIntoView({ block: 'nearest' });
  } else if (e.key === 'Enter') {
    e.preventDefault();
    const el = items[S.kbdIndex >= 0 ? S.kbdIndex : 0];
    if (el) { go({ s: el.dataset.schema, t: el.dataset.name }); focusGrid(); }
  } else if (e.key === 'Escape') {
    $('table-search').value = '';
    S.kbdIndex = -1;
    renderTables();
    focusGrid();
  }
}

/* ==== opening a table ==== */

async function openView(v) {
  v = Object.assign({ s: 'public', f: [] }, v);
  const same = S.view && S.view.s === v.s && S.view.t === v.t;
  S.view = v;
  S.cursors = [null];
  S.pageIndex = 0;
  S.offset = 0;
  S.selected.clear();
  S.editing = null;
  closeDrawer();
  try {
    if (!same || !S.table) S.table = await api('GET', '/api/table', { schema: v.s, table: v.t });
  } catch (e) { showError(e); return; }
  /* the history reads best in the order it happened */
  if (S.table.migrations && !v.sort && !v.dir) Object.assign(v, { sort: 'started_at', dir: 'asc' });
  $('empty').hidden = true;
  $('view').hidden = false;
  renderTables();
  renderHeader();
  renderFilters();
  renderMigratePanel();
  if (!same) S.focus = { r: 0, c: 0 };
  await loadPage();
}

function renderHeader() {
  const t = S.table;
  $('table-title').textContent = t.name;
  const sub = [];
  if (t.schema !== 'public') sub.push(t.schema);
  if (t.model) sub.push('model ' + t.model);
  if (t.kind !== 'table') sub.push(t.kind);
  else sub.push('≈ ' + fmtInt(t.estimate) + (t.estimate === 1 ? ' row' : ' rows'));
  if (t.readOnly) sub.push(t.kind === 'table' ? 'read-only: no primary key' : 'read-only');
  $('table-sub').textContent = sub.join(' · ');
  $('btn-add').disabled = !writable();
  updateDeleteButton();
  document.title = t.name + ' · strata studio';
}

function updateDeleteButton() {
  const n = S.selected.size;
  $('btn-delete').disabled = !writable() || n === 0;
  $('btn-delete').textContent = n ? 'Delete ' + n : 'Delete';
}

/* ==== rows ==== */

async function loadPage() {
  const v = S.view;
  const params = {
    schema: v.s, table: v.t, limit: pageSize(),
    sort: v.sort || '', dir: v.dir || '',
    filters: v.f && v.f.length ? JSON.stringify(v.f) : '',
  };
  if (S.table.primaryKey.length) params.after = S.cursors[S.pageIndex] || '';
  else params.offset = String(S.offset);
  $('grid-wrap').setAttribute('aria-busy', 'true');
  try {
    S.page = await api('GET', '/api/rows', params);
  } catch (e) {
    showError(e);
    S.page = { columns: S.table.columns.map((c) => c.name), rows: [], hasMore: false, next: null };
  }
  $('grid-wrap').removeAttribute('aria-busy');
  S.selected.clear();
  updateDeleteButton();
  renderGrid();
}

function migrationStatus(row) {
  const fin = row[colIndex('finished_at')], rb = row[colIndex('rolled_back_at')];
  if (rb !== null && rb !== undefined) return 'rolled back';
  return fin !== null && fin !== undefined ? 'applied' : 'failed';
}

function cellContent(col, v) {
  if (v === null || v === undefined) return h('span', { class: 'null', text: 'NULL' });
  if (typeof v === 'boolean') return h('span', { class: v ? 't' : 'f', text: String(v) });
  if (v === '') return h('span', { class: 'emptystr', text: 'empty' });
  const s = String(v);
  return s.length > 300 ? s.slice(0, 300) + '…' : s;
}

function cellClass(col) {
  if (!col) return '';
  if (col.category === 'N') return 'num';
  if (['json', 'jsonb', 'bytea', 'uuid'].includes(col.udt) || col.category === 'A') return 'mono';
  return '';
}

function renderGrid() {
  const grid = $('grid');
  const t = S.table, page = S.page;
  const isMig = !!t.migrations;
  grid.replaceChildren();
  const head = h('tr', {},
    h('th', { class: 'chk', scope: 'col' },
      h('input', { type: 'checkbox', 'aria-label': 'Select all rows', tabindex: '-1',
        disabled: !writable() || !page.rows.length,
        checked: page.rows.length && S.selected.size === page.rows.length,
        onchange: (e) => {
          S.selected = new Set(e.target.checked ? page.rows.map((_, i) => i) : []);
          renderGrid(); updateDeleteButton();
        } })),
    isMig ? h('th', { scope: 'col', text: 'status' }) : null,
    page.columns.map((name) => {
      const col = colMeta(name) || {};
      const sorted = S.view.sort === name || (!S.view.sort && t.primaryKey.length === 1 && t.primaryKey[0] === name && S.view.dir);
      const arrow = sorted ? (S.view.dir === 'desc' ? '▼' : '▲') : '';
      return h('th', {
        scope: 'col', title: 'Sort by ' + name + ' (s)', 'aria-sort': sorted ? (S.view.dir === 'desc' ? 'descending' : 'ascending') : 'none',
        onclick: () => sortBy(name),
      },
      h('span', { class: 'cn' },
        col.isId ? h('span', { class: 'key', title: 'primary key', text: '◆' }) : null,
        fkOf(name) ? h('span', { class: 'fk', title: 'foreign key to ' + fkOf(name).refTable, text: '↗' }) : null,
        h('span', { text: name }),
        arrow ? h('span', { class: 'arrow', text: arrow }) : null),
      h('span', { class: 'ty', text: (col.type || '') + (col.nullable ? '?' : '') }));
    }),
    h('th', { class: 'fill', 'aria-hidden': 'true' }));
  const body = h('tbody');
  page.rows.forEach((row, r) => {
    const st = isMig ? migrationStatus(row) : null;
    const tr = h('tr', {
      class: (S.selected.has(r) ? 'selected ' : '') + (st ? 'm-' + st.replace(' ', '-') : ''),
      dataset: { r: String(r) },
    },
    h('td', { class: 'chk' },
      h('input', { type: 'checkbox', 'aria-label': 'Select row', tabindex: '-1', disabled: !writable(),
        checked: S.selected.has(r), onchange: () => toggleSelect(r) })),
    isMig ? h('td', { class: 'mstatus' }, h('span', { class: 'badge ' + st.replace(' ', '-'), text: st })) : null,
    page.columns.map((name, c) => {
      const col = colMeta(name);
      const fk = fkOf(name);
      const v = row[c];
      const td = h('td', {
        class: cellClass(col) + (fk && v !== null ? ' fkcell' : '') + (S.focus.r === r && S.focus.c === c ? ' focus' : ''),
        dataset: { c: String(c) },
        title: v === null ? 'NULL' : typeof v === 'string' && v.length > 40 ? v.slice(0, 1000) : null,
        onclick: () => setFocus(r, c),
        ondblclick: () => startEdit(r, c),
      });
      if (fk && v !== null) {
        td.append(h('span', { class: 'fkval' }, cellContent(col, v),
          h('button', { type: 'button', class: 'go', tabindex: '-1', title: 'Open the referenced ' + fk.refTable + ' row (g)',
            text: '→', onclick: (e) => { e.stopPropagation(); followFk(r, name); } })));
      } else {
        td.append(cellContent(col, v));
      }
      return td;
    }),
    h('td', { class: 'fill' }));
    body.append(tr);
  });
  if (!page.rows.length) {
    body.append(h('tr', { class: 'noresults' }, h('td', {
      colspan: String(page.columns.length + 2 + (isMig ? 1 : 0)),
      text: S.view.f && S.view.f.length ? 'No rows match the filters.' : 'This table is empty.',
    })));
  }
  grid.append(h('thead', {}, head), body);
  renderPager();
}

function renderPager() {
  const p = S.page, n = p.rows.length;
  const start = (S.table.primaryKey.length ? S.pageIndex * pageSize() : S.offset);
  let info = n ? 'Rows ' + fmtInt(start + 1) + '–' + fmtInt(start + n) : 'No rows';
  if (S.view.f && S.view.f.length) info += ' · filtered';
  else if (S.table.kind === 'table') info += ' of ≈ ' + fmtInt(Math.max(S.table.estimate, start + n));
  $('pager-info').textContent = info;
  $('btn-prev').disabled = S.table.primaryKey.length ? S.pageIndex === 0 : S.offset === 0;
  $('btn-next').disabled = !p.hasMore;
}

function nextPage() {
  if (!S.page || !S.page.hasMore) return;
  if (S.table.primaryKey.length) {
    S.cursors[S.pageIndex + 1] = S.page.next;
    S.pageIndex++;
  } else {
    S.offset += pageSize();
  }
  S.focus.r = 0;
  loadPage();
}

function prevPage() {
  if (S.table.primaryKey.length) {
    if (S.pageIndex === 0) return;
    S.pageIndex--;
  } else {
    if (S.offset === 0) return;
    S.offset = Math.max(0, S.offset - pageSize());
  }
  S.focus.r = 0;
  loadPage();
}

function sortBy(name) {
  const v = Object.assign({}, S.view);
  const pkOnly = S.table.primaryKey.length === 1 && S.table.primaryKey[0] === name;
  const current = v.sort === name || (pkOnly && !v.sort && v.dir);
  if (!current) { v.sort = name; v.dir = 'asc'; }
  else if (v.dir !== 'desc') { v.sort = name; v.dir = 'desc'; }
  else { delete v.sort; delete v.dir; }
  go(v);
}

function toggleSelect(r) {
  if (!writable()) return;
  if (S.selected.has(r)) S.selected.delete(r); else S.selected.add(r);
  const tr = $('grid').querySelector('tbody tr[data-r="' + r + '"]');
  if (tr) {
    tr.classList.toggle('selected', S.selected.has(r));
    tr.querySelector('td.chk input').checked = S.selected.has(r);
  }
  updateDeleteButton();
}

/* ==== keyboard focus in the grid ==== */

function focusGrid() { $('grid-wrap').focus({ preventScroll: true }); }

function setFocus(r, c) {
  if (!S.page || !S.page.rows.length) return;
  r = Math.max(0, Math.min(S.page.rows.length - 1, r));
  c = Math.max(0, Math.min(S.page.columns.length - 1, c));
  const old = $('grid').querySelector('td.focus');
  if (old) old.classList.remove('focus');
  S.focus = { r, c };
  const td = cellEl(r, c);
  if (td) {
    td.classList.add('focus');
    td.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  if (S.drawerRow !== null) openDrawer(r);
  if (!S.editing) focusGrid();
}

function cellEl(r, c) {
  return $('grid').querySelector('tbody tr[data-r="' + r + '"] td[data-c="' + c + '"]');
}

/* ==== inline editing ==== */

function isLongText(col, v) {
  return ['json', 'jsonb'].includes(col.udt) || (typeof v === 'string' && (v.length > 80 || v.includes('\n')));
}

/* An input for a column's type; returns {el, get()} where get() gives the JSON value. */
function typedInput(col, v, opts) {
  opts = opts || {};
  if (col.udt === 'bool') {
    const sel = h('select', { 'aria-label': col.name },
      h('option', { value: 'true', text: 'true' }), h('option', { value: 'false', text: 'false' }));
    sel.value = v === false || v === 'false' ? 'false' : 'true';
    return { el: sel, get: () => sel.value === 'true' };
  }
  if (col.enum) {
    const sel = h('select', { 'aria-label': col.name }, col.enum.map((e) => h('option', { value: e, text: e })));
    if (v !== null && v !== undefined) sel.value = v;
    return { el: sel, get: () => sel.value };
  }
  if (isLongText(col, v) || opts.multiline) {
    let text = v === null || v === undefined ? '' : String(v);
    if (col.udt === 'jsonb' || col.udt === 'json') {
      try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* keep as is */ }
    }
    const ta = h('textarea', { 'aria-label': col.name, spellcheck: 'false' });
    ta.value = text;
    return { el: ta, get: () => ta.value, multiline: true };
  }
  const inp = h('input', { 'aria-label': col.name, spellcheck: 'false', autocomplete: 'off' });
  if (col.udt === 'date') inp.type = 'date';
  else if (col.category === 'N') inp.inputMode = 'decimal';
  if (col.udt === 'timestamp' || col.udt === 'timestamptz') inp.placeholder = 'YYYY-MM-DD HH:MM:SS';
  if (col.udt === 'uuid') inp.placeholder = '00000000-0000-0000-0000-000000000000';
  inp.value = v === null || v === undefined ? '' : String(v);
  return { el: inp, get: () => inp.value };
}

function startEdit(r, c) {
  if (!S.page || !S.page.rows[r]) return;
  const name = S.page.columns[c];
  const col = colMeta(name);
  if (!writable()) {
    toast(S.meta.readOnly ? 'The studio runs read-only.' : 'This table has no primary key: its rows are read-only.');
    return;
  }
  if (col.generated) { toast('"' + name + '" is a generated column.'); return; }
  cancelEdit();
  setFocus(r, c);
  const td = cellEl(r, c);
  const v = S.page.rows[r][c];
  const input = typedInput(col, v);
  const save = () => saveCell(r, c, input.get());
  const ed = h('div', { class: 'editor' + (input.multiline ? ' multi' : '') }, input.el,
    h('div', { class: 'btns' },
      input.multiline ? h('span', { class: 'hint', text: 'Ctrl+Enter saves, Esc cancels' }) : null,
      col.nullable ? h('button', { type: 'button', title: 'Set NULL', text: 'NULL', onclick: () => saveCell(r, c, null) }) : null,
      h('button', { type: 'button', class: 'primary', text: 'Save', onclick: save })));
  input.el.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Escape') { e.preventDefault(); cancelEdit(); focusGrid(); }
    else if (e.key === 'Enter' && (!input.multiline || e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); }
  });
  S.editing = { r, c, td };
  td.classList.add('editing');
  td.replaceChildren(ed);
  input.el.focus();
  if (input.el.select && input.el.tagName === 'INPUT') input.el.select();
}

function cancelEdit() {
  if (!S.editing) return;
  const { r, c } = S.editing;
  S.editing = null;
  renderRow(r);
  const td = cellEl(r, c);
  if (td) td.classList.add('focus');
}

function renderRow(r) {
  /* cheap enough: re-render the grid, keeping scroll */
  const wrap = $('grid-wrap'), top = wrap.scrollTop, left = wrap.scrollLeft;
  renderGrid();
  wrap.scrollTop = top; wrap.scrollLeft = left;
}

async function saveCell(r, c, value) {
  const row = S.page.rows[r];
  const name = S.page.columns[c];
  try {
    const res = await api('PATCH', '/api/rows', { schema: S.view.s, table: S.view.t },
      { key: rowKey(row), set: { [name]: value } });
    const idx = res.columns.map((n) => S.page.columns.indexOf(n));
    res.rows[0].forEach((val, i) => { if (idx[i] >= 0) row[idx[i]] = val; });
    S.editing = null;
    renderRow(r);
    const td = cellEl(r, c);
    if (td) { td.classList.add('saved', 'focus'); }
    focusGrid();
  } catch (e) {
    showError(e);
  }
}

/* ==== foreign keys and referencing rows ==== */

function followFk(r, name) {
  const fk = fkOf(name);
  if (!fk) return;
  const row = S.page.rows[r];
  const vals = fk.columns.map((c) => row[colIndex(c)]);
  if (vals.some((v) => v === null)) { toast('The foreign key is NULL.'); return; }
  go({ s: fk.refSchema, t: fk.refTable,
    f: fk.refColumns.map((c, i) => ({ column: c, op: 'eq', value: String(vals[i]) })) });
}

function openDrawer(r) {
  const row = S.page && S.page.rows[r];
  if (!row) return;
  S.drawerRow = r;
  const d = $('drawer');
  const refs = S.table.referencedBy;
  d.replaceChildren(...[
    h('h2', {}, h('span', { text: S.table.name + ' row' }), h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'ghost', 'aria-label': 'Close', text: '✕', onclick: closeDrawer })),
    h('dl', {}, S.page.columns.map((name, c) => [
      h('dt', { text: name }),
      h('dd', {}, row[c] === null ? h('span', { class: 'null', text: 'NULL' }) : String(row[c]))])),
    refs.length ? h('h3', { text: 'Referenced by' }) : null,
    refs.length ? h('ul', {}, refs.map((ref) => {
      const vals = ref.refColumns.map((c) => row[colIndex(c)]);
      return h('li', {}, h('button', {
        type: 'button', class: 'link',
        text: ref.table + ' (' + ref.columns.join(', ') + ')',
        onclick: () => go({ s: ref.schema, t: ref.table,
          f: ref.columns.map((c, i) => ({ column: c, op: 'eq', value: String(vals[i]) })) }),
      }));
    })) : null,
    S.table.foreignKeys.length ? h('h3', { text: 'References' }) : null,
    S.table.foreignKeys.length ? h('ul', {}, S.table.foreignKeys.map((fk) => h('li', {},
      h('button', { type: 'button', class: 'link', text: fk.refTable + ' (' + fk.columns.join(', ') + ')',
        onclick: () => followFk(r, fk.columns[0]) })))) : null].filter(Boolean));
  d.hidden = false;
}

function closeDrawer() {
  S.drawerRow = null;
  $('drawer').hidden = true;
}

/* ==== filters ==== */

function renderFilters() {
  const form = $('filters');
  const f = S.view.f || [];
  form.hidden = f.length === 0;
  form.replaceChildren();
  f.forEach((flt, i) => form.append(filterRow(flt, i)));
  form.append(h('div', { class: 'factions' },
    h('button', { type: 'submit', class: 'primary', text: 'Apply' }),
    h('button', { type: 'button', text: 'Add condition', onclick: () => addFilter() }),
    h('button', { type: 'button', text: 'Clear', onclick: () => { const v = Object.assign({}, S.view); v.f = []; go(v); } })));
}

function filterRow(flt, i) {
  const colSel = h('select', { class: 'fcol', 'aria-label': 'Column' },
    S.table.columns.map((c) => h('option', { value: c.name, text: c.name })));
  colSel.value = flt.column;
  const opSel = h('select', { class: 'fop', 'aria-label': 'Operator' },
    OPS.map(([v, l]) => h('option', { value: v, text: l })));
  opSel.value = flt.op || 'eq';
  const val = h('input', { class: 'val', 'aria-label': 'Value', placeholder: 'value', spellcheck: 'false' });
  val.value = flt.value === undefined || flt.value === null ? '' : flt.value;
  const sync = () => { val.hidden = opSel.value === 'null' || opSel.value === 'notnull'; };
  opSel.addEventListener('change', sync);
  sync();
  return h('div', { class: 'frow' },
    h('span', { class: 'and', text: i ? 'and' : 'where' }), colSel, opSel, val,
    h('button', { type: 'button', class: 'ghost', 'aria-label': 'Remove condition', text: '✕',
      onclick: (e) => { e.target.closest('.frow').remove(); if (!$('filters').querySelector('.frow')) applyFilters(); } }));
}

function addFilter(column) {
  const form = $('filters');
  form.hidden = false;
  const col = column || S.page.columns[S.focus.c] || S.table.columns[0].name;
  const rows = form.querySelectorAll('.frow');
  const row = filterRow({ column: col, op: 'eq', value: '' }, rows.length);
  form.insertBefore(row, form.querySelector('.factions'));
  row.querySelector('.val').focus();
}

function applyFilters() {
  const f = [...$('filters').querySelectorAll('.frow')].map((row) => {
    const op = row.querySelector('.fop').value;
    const flt = { column: row.querySelector('.fcol').value, op };
    if (op !== 'null' && op !== 'notnull') flt.value = row.querySelector('.val').value;
    return flt;
  });
  const v = Object.assign({}, S.view, { f });
  go(v);
}

/* ==== add and delete rows ==== */

function openAddRow() {
  if (!writable()) return;
  const fields = $('row-form-fields');
  fields.replaceChildren();
  $('row-form-table').textContent = S.table.name;
  S.addInputs = [];
  for (const col of S.table.columns) {
    if (col.generated) continue;
    const input = typedInput(col, null, {});
    const hasDefault = col.default !== null || col.identity;
    const mode = h('select', { class: 'mode', 'aria-label': col.name + ' mode' },
      h('option', { value: 'value', text: 'value' }),
      hasDefault ? h('option', { value: 'default', text: 'default' }) : null,
      col.nullable ? h('option', { value: 'null', text: 'NULL' }) : null);
    mode.value = hasDefault ? 'default' : (col.nullable && col.udt !== 'bool' && !col.enum ? 'null' : 'value');
    const sync = () => {
      input.el.disabled = mode.value !== 'value';
      if (mode.value === 'default') input.el.placeholder = col.identity ? 'identity' : col.default;
      else if (mode.value === 'null') input.el.placeholder = 'NULL';
      else input.el.placeholder = '';
    };
    mode.addEventListener('change', () => { sync(); if (mode.value === 'value') input.el.focus(); });
    input.el.addEventListener('input', () => { mode.value = 'value'; });
    input.el.name = col.name;
    sync();
    const id = 'f-' + S.addInputs.length;
    input.el.id = id;
    fields.append(h('label', { for: id }, col.name, h('span', { class: 'ty', text: col.type + (col.nullable ? '?' : '') })),
      h('div', { class: 'fval' }, mode, input.el));
    S.addInputs.push({ col, input, mode });
  }
  $('dlg-row').showModal();
  const first = S.addInputs.find((a) => a.mode.value === 'value') || S.addInputs[0];
  if (first) (first.mode.value === 'value' ? first.input.el : first.mode).focus();
}

async function saveNewRow(e) {
  e.preventDefault();
  const values = {};
  for (const { col, input, mode } of S.addInputs) {
    if (mode.value === 'default') continue;
    values[col.name] = mode.value === 'null' ? null : input.get();
  }
  try {
    await api('POST', '/api/rows', { schema: S.view.s, table: S.view.t }, { values });
    $('dlg-row').close();
    toast('Row added.');
    await loadPage();
  } catch (err) {
    showError(err);
  }
}

function confirmDialog(title, text, okText) {
  return new Promise((resolve) => {
    const dlg = $('dlg-confirm');
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = okText;
    dlg.returnValue = '';
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
    dlg.showModal();
    $('confirm-cancel').focus();
  });
}

async function deleteSelected() {
  if (!writable() || !S.selected.size) return;
  const n = S.selected.size;
  const ok = await confirmDialog('Delete ' + n + (n === 1 ? ' row' : ' rows') + '?',
    'Delete ' + n + (n === 1 ? ' row' : ' rows') + ' from "' + S.table.name + '"? This cannot be undone.', 'Delete');
  if (!ok) { focusGrid(); return; }
  const keys = [...S.selected].map((r) => rowKey(S.page.rows[r]));
  try {
    const res = await api('DELETE', '/api/rows', { schema: S.view.s, table: S.view.t }, { keys });
    toast('Deleted ' + res.deleted + (res.deleted === 1 ? ' row.' : ' rows.'));
    await loadPage();
    focusGrid();
  } catch (e) {
    showError(e);
  }
}

/* ==== migrations ==== */

async function renderMigratePanel() {
  const panel = $('migrate-panel');
  if (!S.table.migrations) { panel.hidden = true; return; }
  try {
    const st = await api('GET', '/api/status');
    panel.replaceChildren(
      h('span', { class: 'badge ' + st.state.replace(/ /g, '-'), text: st.state }),
      h('pre', { text: st.message }), h('span', { class: 'spacer' }),
      h('button', { type: 'button', text: 'Details', onclick: openStatus }));
    panel.hidden = false;
  } catch (e) {
    panel.hidden = true;
    showError(e);
  }
}

async function openStatus() {
  const body = $('status-body');
  body.replaceChildren(h('p', { text: 'Loading…' }));
  $('dlg-status').showModal();
  try {
    const st = await api('GET', '/api/status');
    body.replaceChildren(
      h('p', {}, h('span', { class: 'badge ' + st.state.replace(/ /g, '-'), text: st.state }), ' ',
        st.migrationsDir ? h('span', { class: 'sub', text: st.found + ' migrations in ' + st.migrationsDir }) : null),
      h('pre', { class: 'status-msg', text: st.message }),
      st.migrations.length ? h('table', { class: 'mig' },
        h('thead', {}, h('tr', {}, h('th', { text: 'migration' }), h('th', { text: 'status' }), h('th', { text: 'finished' }))),
        h('tbody', {}, st.migrations.map((m) => h('tr', {},
          h('td', { class: 'name', text: m.name }),
          h('td', {}, h('span', { class: 'badge ' + m.status.replace(/ /g, '-'), text: m.status }),
            m.edited ? h('span', { class: 'badge failed', text: 'edited after applying' }) : null,
            !m.inFolder ? h('span', { class: 'badge', text: 'not in folder' }) : null),
          h('td', { text: m.finishedAt || '' }))))) : h('p', { text: 'No migrations.' }));
  } catch (e) {
    body.replaceChildren(h('p', { text: e.message }));
  }
}

/* ==== keyboard ==== */

function inField(e) {
  const t = e.target;
  return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
}

document.addEventListener('keydown', (e) => {
  if (document.querySelector('dialog[open]')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (inField(e)) {
    if (e.key === '/' && e.target.id === 'table-search') { e.preventDefault(); e.target.select(); }
    else if (e.key === 'Escape') e.target.blur();
    return;
  }
  const k = e.key;
  if (k === '/') { e.preventDefault(); $('table-search').focus(); $('table-search').select(); return; }
  if (k === '?') { e.preventDefault(); $('dlg-help').showModal(); return; }
  if (k === 'm') { e.preventDefault(); openStatus(); return; }
  if (!S.page || $('view').hidden) return;
  const { r, c } = S.focus;
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
    Home: [0, -1e6], End: [0, 1e6] };
  if (moves[k]) { e.preventDefault(); setFocus(r + moves[k][0], c + moves[k][1]); return; }
  switch (k) {
  case 'Enter': case 'F2': e.preventDefault(); startEdit(r, c); break;
  case ' ': e.preventDefault(); toggleSelect(r); break;
  case 'g': e.preventDefault(); followFk(r, S.page.columns[c]); break;
  case 'o': e.preventDefault(); if (S.drawerRow === null) openDrawer(r); else closeDrawer(); break;
  case 's': e.preventDefault(); sortBy(S.page.columns[c]); break;
  case 'f': e.preventDefault(); addFilter(); break;
  case 'r': e.preventDefault(); loadPage(); break;
  case 'n': e.preventDefault(); openAddRow(); break;
  case '[': e.preventDefault(); prevPage(); break;
  case ']': e.preventDefault(); nextPage(); break;
  case 'PageDown': e.preventDefault(); setFocus(r + 15, c); break;
  case 'PageUp': e.preventDefault(); setFocus(r - 15, c); break;
  case 'Delete': case 'Backspace': e.preventDefault(); deleteSelected(); break;
  case 'Escape':
    if (S.drawerRow !== null) closeDrawer();
    else if (S.selected.size) { S.selected.clear(); renderGrid(); updateDeleteButton(); }
    break;
  default: break;
  }
});

/* ==== start ==== */

async function start() {
  $('grid-wrap').tabIndex = 0;
  $('table-search').addEventListener('input', () => { S.kbdIndex = 0; renderTables(); });
  $('table-search').addEventListener('keydown', searchKeys);
  $('btn-refresh').onclick = () => loadPage();
  $('btn-filter').onclick = () => addFilter();
  $('btn-add').onclick = openAddRow;
  $('btn-delete').onclick = deleteSelected;
  $('btn-prev').onclick = prevPage;
  $('btn-next').onclick = nextPage;
  $('btn-status').onclick = openStatus;
  $('btn-help').onclick = () => $('dlg-help').showModal();
  $('page-size').onchange = () => { S.cursors = [null]; S.pageIndex = 0; S.offset = 0; loadPage(); };
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  $('row-form').addEventListener('submit', saveNewRow);
  $('row-form-cancel').onclick = () => $('dlg-row').close();
  try {
    S.meta = await api('GET', '/api/meta');
  } catch (e) {
    $('empty').replaceChildren(h('h2', { text: e.status === 401 ? 'Access token missing' : 'Cannot reach the studio' }),
      h('p', { text: e.status === 401 ? 'Open the studio with the URL that `strata db studio` printed.' : e.message }));
    return;
  }
  $('dbinfo').replaceChildren(...[h('span', { text: S.meta.database }),
    h('span', { class: 'badge', text: 'PostgreSQL ' + S.meta.server }),
    S.meta.readOnly ? h('span', { class: 'badge ro', text: 'read-only' }) : null].filter(Boolean));
  $('dbinfo').title = S.meta.url;
  try {
    S.tables = (await api('GET', '/api/tables')).tables;
  } catch (e) { showError(e); }
  renderTables();
  const v = parseHash();
  if (v) openView(v);
  else $('table-search').focus();
}

start();
