// The dashboard: reads the gateway's JSON APIs with the admin key the operator types (kept in
// sessionStorage: this tab only) and draws them. Every figure comes from an API; text from the
// APIs goes into the page as text (textContent), never as markup.
'use strict';

const storageKey = 'switchboard.admin-key';
const refreshMs = 10000;
const charts = {};
let timer = null;

const $ = (id) => document.getElementById(id);

async function api(path, key) {
  const res = await fetch(path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  if (!res.ok) {
    const error = new Error(`${path}: ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return res.json();
}

const money = (v) => `$${Number(v).toFixed(Number(v) >= 100 ? 0 : 4)}`;
const percent = (v) => `${(100 * Number(v)).toFixed(1)} %`;
const count = (v) => Number(v).toLocaleString('en-US');

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function fill(tableId, rows, build, empty) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren();
  for (const item of rows) {
    const tr = document.createElement('tr');
    build(tr, item);
    body.appendChild(tr);
  }
  if (!rows.length) {
    const tr = document.createElement('tr');
    cell(tr, empty, 'muted').colSpan = $(tableId).querySelectorAll('th').length;
    body.appendChild(tr);
  }
}

function draw(id, type, labels, values, label) {
  const data = { labels, datasets: [{ label, data: values, backgroundColor: '#2f6fde99', borderColor: '#2f6fde', fill: false }] };
  if (charts[id]) {
    charts[id].data = data;
    charts[id].update();
    return;
  }
  charts[id] = new Chart($(id), {
    type,
    data,
    options: { animation: false, responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
}

function renderFigures(total, stats) {
  $('requests').textContent = count(total.requests);
  $('cost').textContent = money(total.cost_usd);
  $('error-rate').textContent = percent(total.error_rate);
  $('hit-rate').textContent = percent(total.cache_hit_rate);
  $('saved').textContent = money(total.cache_saved_usd);
  $('overhead').textContent = `${count(total.mean_overhead_us)} µs`;
  const mode = $('mode');
  mode.textContent = `mode: ${stats.mode}`;
  mode.className = `badge ${stats.mode}`;
}

function renderProviders(providers) {
  const rows = providers.data.flatMap((p) => p.deployments);
  fill('providers', rows, (tr, d) => {
    cell(tr, d.deployment);
    cell(tr, d.state.replace('_', ' '), `state-${d.state}`);
    cell(tr, d.available ? 'yes' : 'no');
    cell(tr, count(d.consecutive_failures ?? 0));
    cell(tr, d.last_error ?? '');
  }, 'No provider deployments');
}

function quotaRows(report) {
  const rows = [];
  for (const [kind, list] of [['provider', report.providers], ['tenant', report.tenants]])
    for (const q of list)
      for (const window of ['day', 'month'])
        for (const unit of ['requests', 'tokens', 'usd']) {
          const figure = q[window]?.[unit];
          if (figure && figure.limit !== null) rows.push({ who: `${kind} ${q.name}`, window: `${window} ${unit}`, ...figure });
        }
  return rows;
}

function renderQuotas(report) {
  fill('quotas', quotaRows(report), (tr, q) => {
    cell(tr, q.who);
    cell(tr, q.window);
    cell(tr, count(q.used + q.reserved));
    cell(tr, count(q.limit));
    const share = q.limit > 0 ? (q.used + q.reserved) / q.limit : 1;
    const meter = document.createElement('div');
    meter.className = `meter${share >= 1 ? ' over' : share >= 0.75 ? ' warn' : ''}`;
    meter.title = percent(share);
    const bar = document.createElement('span');
    bar.style.width = `${Math.min(100, 100 * share)}%`;
    meter.appendChild(bar);
    cell(tr, '').appendChild(meter);
  }, 'No limited quota');
}

function renderErrors(errors) {
  fill('errors', errors.data, (tr, e) => {
    cell(tr, e.at.replace('T', ' ').replace('Z', ''));
    cell(tr, e.tenant);
    cell(tr, e.route);
    cell(tr, e.model);
    cell(tr, e.provider);
    cell(tr, String(e.status));
    cell(tr, e.code);
  }, 'No error in the last 30 days');
}

async function load(key) {
  const [stats, providers, quotas, total, byDay, byTenant, byModel, byProvider, errors] = await Promise.all([
    api('/api/v1/stats', key),
    api('/api/v1/providers', key),
    api('/api/v1/quotas', key),
    api('/api/v1/usage', key),
    api('/api/v1/usage?group_by=day', key),
    api('/api/v1/usage?group_by=tenant', key),
    api('/api/v1/usage?group_by=model', key),
    api('/api/v1/usage?group_by=provider', key),
    api('/api/v1/usage/errors?limit=20', key),
  ]);
  renderFigures(total.total, stats);
  draw('spend-by-day', 'line', byDay.data.map((g) => g.group), byDay.data.map((g) => g.cost_usd), 'USD');
  draw('spend-by-tenant', 'bar', byTenant.data.map((g) => g.group), byTenant.data.map((g) => g.cost_usd), 'USD');
  draw('spend-by-model', 'bar', byModel.data.map((g) => g.group || '(not read)'), byModel.data.map((g) => g.cost_usd), 'USD');
  draw('requests-by-provider', 'bar', byProvider.data.map((g) => g.group || '(none)'), byProvider.data.map((g) => g.requests), 'requests');
  renderProviders(providers);
  renderQuotas(quotas);
  renderErrors(errors);
  $('updated').textContent = `updated ${new Date().toLocaleTimeString('en-GB')}`;
  document.body.dataset.loaded = 'true';
}

function show(signedIn) {
  $('sign-in').hidden = signedIn;
  $('board').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
}

async function start(key) {
  try {
    await load(key);
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      sessionStorage.removeItem(storageKey);
      show(false);
      $('sign-in-error').textContent = 'That key is not the admin key.';
      return;
    }
    $('updated').textContent = `could not refresh (${error.message})`;
  }
  sessionStorage.setItem(storageKey, key);
  show(true);
  clearTimeout(timer);
  timer = setTimeout(() => start(key), refreshMs);
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  start($('key').value.trim());
});

$('sign-out').addEventListener('click', () => {
  clearTimeout(timer);
  sessionStorage.removeItem(storageKey);
  show(false);
});

const saved = sessionStorage.getItem(storageKey);
if (saved) start(saved);
else show(false);
