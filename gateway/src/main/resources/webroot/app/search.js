// The header's search box (GET /api/search, signed-in only, as the API allows): results newest
// first, the words found marked with <mark> built from text nodes (user text is never HTML), and a
// result opens the coto's cotonoma (or home) with the coto marked there.

import { api } from './api.js';
import { $, el, show } from './dom.js';
import { dateFormat, t } from './i18n.js';
import { showError } from './problems.js';

const AROUND = 40; // characters shown before the first match
const SNIPPET = 180;

/** Case and width folded as the server folds (NFKC, lower case), one character at a time, with
 * where each folded code unit came from, so that a match maps back onto the original text. */
function fold(text) {
  let folded = '';
  const from = [];
  let at = 0;
  for (const char of text) {
    const f = char.normalize('NFKC').toLowerCase();
    for (let i = 0; i < f.length; i++) from.push({ start: at, end: at + char.length });
    folded += f;
    at += char.length;
  }
  return { folded, from };
}

/** The terms of a query as the server splits it (on any whitespace, a full-width space too). */
export function terms(query) {
  return query.split(/[\s\u3000]+/).map((term) => term.normalize('NFKC').toLowerCase()).filter(Boolean);
}

/** [start, end) ranges of `text` holding one of the terms, merged and in order. */
export function matches(text, words) {
  const { folded, from } = fold(text);
  const ranges = [];
  for (const word of words) {
    for (let i = folded.indexOf(word); i >= 0; i = folded.indexOf(word, i + word.length)) {
      ranges.push([from[i].start, from[i + word.length - 1].end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

/** `text` as text nodes with the ranges in <mark>. */
export function marked(text, ranges) {
  const out = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) out.append(document.createTextNode(text.slice(at, start)));
    out.append(el('mark', { text: text.slice(start, end) }));
    at = end;
  }
  if (at < text.length) out.append(document.createTextNode(text.slice(at)));
  return out;
}

/** The part of a long text around its first match, marked. */
function snippet(text, words) {
  const all = matches(text, words);
  const first = all.length ? all[0][0] : 0;
  const start = first > AROUND ? first - AROUND : 0;
  const end = Math.min(text.length, start + SNIPPET);
  const part = text.slice(start, end);
  const ranges = all.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start, e - start]);
  const node = el('span', { class: 'search-snippet' });
  if (start > 0) node.append('…');
  node.append(marked(part, ranges));
  if (end < text.length) node.append('…');
  return node;
}

export class Search {
  /** `open(path, coto)` goes to the result's page; `names` are the cotonoma names the page knows. */
  constructor(open, names) {
    this.open = open;
    this.names = names;
    this.query = '';
    this.next = null;
    this.generation = 0;
    $('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.run($('search-input').value.trim());
    });
    $('search-input').addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    $('search-panel').addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        this.close();
        $('search-input').focus();
      }
    });
    $('search-close').addEventListener('click', () => this.close());
    $('search-more').addEventListener('click', () => this.more());
  }

  start(signedIn) {
    show($('search-form'), signedIn);
    if (!signedIn) this.close();
  }

  async run(query) {
    if (!query) return;
    this.query = query;
    this.next = null;
    $('search-results').replaceChildren();
    $('search-title').textContent = t('searchResults', { q: query });
    show($('search-panel'), true);
    await this.page(null);
  }

  async more() {
    if (this.next) await this.page(this.next);
  }

  async page(before) {
    const generation = ++this.generation;
    showError($('search-error'), null);
    $('search-status').textContent = t('searching');
    try {
      const found = await api.search(this.query, before);
      if (generation !== this.generation) return;
      const words = terms(this.query);
      for (const coto of found.cotos) $('search-results').append(this.result(coto, words));
      this.next = found.cotos.length ? found.next || null : null;
      const count = $('search-results').children.length;
      $('search-status').textContent = count ? t('searchFound', { n: count }) : t('searchNothing');
    } catch (error) {
      if (generation !== this.generation) return;
      $('search-status').textContent = '';
      showError($('search-error'), error);
    }
    show($('search-more'), Boolean(this.next));
  }

  result(coto, words) {
    const room = coto.cotonoma ? coto.cotonoma.key : coto.cotonomaKey;
    const path = room ? `/cotonomas/${encodeURIComponent(room)}` : '/';
    const where = coto.cotonomaKey ? this.names.get(coto.cotonomaKey) || t('cotonoma') : t('home');
    const link = el('a', { href: path, class: 'search-result' },
      el('span', { class: 'search-where', text: where }),
      el('time', { datetime: coto.postedAt, text: dateFormat.format(new Date(coto.postedAt)) }));
    if (coto.cotonoma) {
      link.append(el('span', { class: 'search-text' }, '◎ ', marked(coto.cotonoma.name, matches(coto.cotonoma.name, words))));
    } else {
      if (coto.summary) link.append(el('strong', { class: 'search-summary' }, marked(coto.summary, matches(coto.summary, words))));
      link.append(el('span', { class: 'search-text' }, snippet(coto.content, words)));
    }
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      this.close();
      this.open(path, coto.cotonoma ? null : coto);
    });
    return el('li', { 'data-id': coto.id }, link);
  }

  close() {
    this.generation++;
    show($('search-panel'), false);
  }
}
