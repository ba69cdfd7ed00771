// Episode browser and trace viewer of report.html. Runs offline; reads the JSON embedded in the page.
// Turns are parsed and rendered only when an episode is opened (and a turn's body only when expanded),
// so the page stays fast with thousands of episodes.
(() => {
  const data = JSON.parse(document.getElementById('alr-data').textContent);
  const conditions = new Map(data.conditions.map((c) => [c.id, c]));
  const episodes = data.episodes;
  const PAGE = 250;
  let shown = PAGE;
  let active = -1;

  const $ = (id) => document.getElementById(id);
  const esc = (s) =>
    String(s ?? '').replace(
      /[&<>"']/g,
      (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch],
    );
  const fmt = (x, d) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(d));
  const int = (x) => (x === null || x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));

  // A small Python highlighter: comments, strings, numbers, keywords, builtins and tool names.
  const KW = new Set(
    'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
      ' ',
    ),
  );
  const BI = new Set(
    'print len range sorted sum min max int float str dict list set tuple enumerate zip map filter any all abs round isinstance json'.split(
      ' ',
    ),
  );
  const TOOLS = new Set(data.tools);
  const TOKEN =
    /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|[rbfRBF]?"(?:\\.|[^"\\\n])*"|[rbfRBF]?'(?:\\.|[^'\\\n])*')|(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)/g;
  function highlight(code) {
    let out = '';
    let last = 0;
    for (const m of code.matchAll(TOKEN)) {
      out += esc(code.slice(last, m.index));
      const t = m[0];
      let cls = null;
      if (m[1]) cls = 'com';
      else if (m[2]) cls = 'str';
      else if (m[3]) cls = 'num';
      else if (KW.has(t)) cls = 'kw';
      else if (TOOLS.has(t)) cls = 'tool';
      else if (BI.has(t)) cls = 'bi';
      out += cls ? `<span class="${cls}">${esc(t)}</span>` : esc(t);
      last = m.index + t.length;
    }
    return out + esc(code.slice(last));
  }

  // Filters.
  const condSelect = $('f-condition');
  for (const c of data.conditions) {
    const o = document.createElement('option');
    o.value = c.id;
    o.textContent = c.label;
    condSelect.appendChild(o);
  }
  function filtered() {
    const cond = condSelect.value;
    const solved = $('f-solved').value;
    const nameErr = $('f-nameerror').value;
    const q = $('f-task').value.trim().toLowerCase();
    return episodes.filter(
      (e) =>
        (!cond || e.c === cond) &&
        (solved === '' || String(e.solved) === solved) &&
        (nameErr === '' || String(e.ne > 0) === nameErr) &&
        (!q || e.task.toLowerCase().includes(q)),
    );
  }
  function renderList() {
    const rows = filtered();
    $('f-count').textContent = `${rows.length} of ${episodes.length} episodes`;
    const body = $('episode-rows');
    const html = rows
      .slice(0, shown)
      .map(
        (e) =>
          `<tr data-i="${e.i}" class="${e.i === active ? 'active' : ''}"><td class="l">${esc(conditions.get(e.c).label)}</td><td class="l">${esc(e.task)}</td><td>${fmt(e.score === null ? null : e.score * 100, 1)}</td><td>${e.solved === null ? 'n/a' : e.solved ? '✓' : '·'}</td><td>${e.steps}</td><td>${int(e.tokens)}</td><td>${e.ne}</td></tr>`,
      );
    body.innerHTML = html.join('');
    $('more').hidden = rows.length <= shown;
  }
  for (const id of ['f-condition', 'f-solved', 'f-nameerror', 'f-task'])
    $(id).addEventListener('input', () => {
      shown = PAGE;
      renderList();
    });
  $('more').addEventListener('click', () => {
    shown += PAGE;
    renderList();
  });
  $('episode-rows').addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr[data-i]');
    if (tr) openEpisode(Number(tr.dataset.i));
  });

  // Trace viewer.
  const turnCache = new Map();
  function turnsOf(i) {
    if (!turnCache.has(i)) turnCache.set(i, JSON.parse(data.turns[i]));
    return turnCache.get(i);
  }
  function turnBody(t) {
    let h = '';
    if (t.globals) h += `<h4>Globals message sent</h4><pre>${esc(t.globals)}</pre>`;
    if (t.think) h += `<h4>Thinking (not parsed for code)</h4><pre class="thinking">${esc(t.think)}</pre>`;
    if (t.text) h += `<h4>${t.think ? 'Answer' : 'Reasoning'}</h4><pre>${esc(t.text)}</pre>`;
    if (t.code !== null) h += `<h4>Code</h4><pre class="code">${highlight(t.code)}</pre>`;
    if (t.out) h += `<h4>Output</h4><pre>${esc(t.out)}</pre>`;
    if (t.err) h += `<h4>Error${t.et ? ` (${esc(t.et)})` : ''}</h4><pre class="error">${esc(t.err)}</pre>`;
    if (t.obs !== null && t.obs !== undefined)
      h += `<h4>Observation (as the model saw it)</h4><pre>${esc(t.obs)}</pre>`;
    if (t.calls) h += `<h4>Tool calls</h4><pre>${esc(t.calls)}</pre>`;
    return h;
  }
  function openEpisode(i) {
    const e = episodes[i];
    if (!e) return;
    active = i;
    const c = conditions.get(e.c);
    const detail = turnsOf(i);
    const siblings = episodes.filter(
      (o) => o.task === e.task && o.i !== i && conditions.get(o.c).difficulty === c.difficulty,
    );
    const badges = [
      `<span class="badge">${esc(c.label)}</span>`,
      `<span class="badge ${e.solved ? 'good' : ''}">score ${fmt(e.score === null ? null : e.score * 100, 1)}%${e.solved ? ' · solved' : ''}</span>`,
      `<span class="badge">${e.steps} steps</span>`,
      `<span class="badge">${int(e.tokens)} tokens</span>`,
      e.ne > 0 ? `<span class="badge bad">${e.ne} NameError step(s)</span>` : '',
      e.stop ? `<span class="badge">stop: ${esc(e.stop)}</span>` : '',
    ].join('');
    const pairs = siblings.length
      ? `<p class="pairs">Same task elsewhere: ${siblings.map((o) => `<a href="#ep-${o.i}" data-goto="${o.i}">${esc(conditions.get(o.c).label)}</a>`).join('')}</p>`
      : '';
    const turns = detail.turns
      .map(
        (t, k) =>
          `<details class="turn ${t.ok === false || (t.code === null && t.err) ? 'failed' : ''}" data-k="${k}"><summary>Turn ${t.turn}${t.ok === false ? ` · <b>${esc(t.et || 'error')}</b>` : t.code === null ? ' · no code' : ''} · tokens ${t.tok ? `${int(t.tok[0])} + ${int(t.tok[1])}` : 'n/a'}</summary><div class="turn-body"></div></details>`,
      )
      .join('');
    $('viewer').innerHTML =
      `<h3>${esc(e.task)} <small>(${esc(e.file)})</small></h3><p>${badges}</p>${pairs}<p><button id="expand-all">Expand all turns</button> <button id="collapse-all">Collapse all</button></p><details><summary>Goal prompt</summary><pre>${esc(detail.goal || '')}</pre></details>${turns}`;
    for (const d of $('viewer').querySelectorAll('details.turn')) {
      d.addEventListener('toggle', () => {
        const body = d.querySelector('.turn-body');
        if (d.open && !body.dataset.done) {
          body.innerHTML = turnBody(detail.turns[Number(d.dataset.k)]);
          body.dataset.done = '1';
        }
      });
    }
    $('expand-all').addEventListener('click', () => {
      for (const d of $('viewer').querySelectorAll('details.turn')) d.open = true;
    });
    $('collapse-all').addEventListener('click', () => {
      for (const d of $('viewer').querySelectorAll('details.turn')) d.open = false;
    });
    for (const a of $('viewer').querySelectorAll('a[data-goto]'))
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        openEpisode(Number(a.dataset.goto));
      });
    if (location.hash !== `#ep-${i}`) history.replaceState(null, '', `#ep-${i}`);
    renderList();
  }

  renderList();
  const m = /^#ep-(\d+)$/.exec(location.hash);
  if (m) openEpisode(Number(m[1]));
  window.alrReport = { openEpisode, episodes: episodes.length };
})();
