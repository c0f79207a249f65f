import './studio.css';
import { Api } from './api.js';
import { TABS, type App, type CaseRef, type Tab } from './app.js';
import { mountChat } from './chat/index.js';
import { mountCoverage } from './coverage/index.js';
import { h } from './dom.js';
import { mountEditor } from './editor/index.js';
import { mountFunnel } from './funnel/index.js';
import { mountGraph } from './graph/index.js';
import { mountLinks } from './links/index.js';
import { mountBlockPanel } from './panel/block.js';
import { mountProblems } from './panel/problems.js';
import { Store } from './store.js';

const token = new URLSearchParams(location.search).get('token') ?? '';
const api = new Api(token);
const store = new Store();

const title = h('h1', {}, 'botflow studio');
const offline = h(
  'p',
  { class: 'offline', role: 'alert', hidden: true },
  'The studio is not answering: it stopped, or restarted with a new URL. Saves no longer show here.',
);
const header = h('header', { class: 'top' }, title, offline);
const canvas = h('section', { class: 'canvas', 'aria-label': 'Flow' });
const tabList = h('div', { role: 'tablist', 'aria-label': 'Side panel' });
const panels = new Map<Tab, HTMLElement>();
const tabs = new Map<Tab, HTMLButtonElement>();
for (const name of TABS) {
  const id = name.toLowerCase();
  const tab = h(
    'button',
    { role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`, type: 'button' },
    name,
  );
  const panel = h('section', {
    role: 'tabpanel',
    id: `panel-${id}`,
    'aria-labelledby': `tab-${id}`,
    hidden: true,
  });
  tab.addEventListener('click', () => {
    show(name);
  });
  tabs.set(name, tab);
  panels.set(name, panel);
  tabList.append(tab);
}
const side = h('aside', { class: 'side' }, tabList, ...panels.values());
document.body.append(header, h('main', {}, canvas, side));

function show(name: Tab): void {
  for (const [tab, button] of tabs) {
    const selected = tab === name;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    const panel = panels.get(tab);
    if (panel) panel.hidden = !selected;
  }
}

const panel = (name: Tab) => panels.get(name) ?? h('section');
let replay: (test: CaseRef) => void = () => undefined;
const select = (id: string | undefined) => {
  store.update({ selected: id });
  if (id !== undefined) show('Block');
};
const editor = mountEditor({ api, store, select }, header, canvas);
const app: App = {
  api,
  store,
  select,
  show,
  replay: (test) => {
    replay(test);
  },
  edit: editor.edit,
  save: editor.save,
  undo: editor.undo,
  redo: editor.redo,
};
mountGraph(canvas, header, app);
mountBlockPanel(panel('Block'), app);
mountProblems(panel('Problems'), app);
replay = mountChat(panel('Simulator'), app).replay;
mountLinks(panel('Link'), app);
mountCoverage(panel('Coverage'), app);
mountFunnel(panel('Funnel'), app);
show('Block');

store.subscribe((state, previous) => {
  if (state.model === previous.model || !state.model) return;
  // A script that does not load may have no name yet: its file names it then.
  const { name, file } = state.model;
  title.textContent = `botflow studio · ${name === '' ? file : name}`;
});
api.onScript(
  (model) => {
    editor.disk(model);
  },
  (up) => {
    offline.hidden = up;
  },
);
