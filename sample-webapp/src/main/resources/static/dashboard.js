// The live dashboard: polls the runtime's statistics and task dump once a second and draws them.
// Plain DOM and SVG, no build step. Rates are differences between two samples over the time
// between them.
'use strict';

const HISTORY = 60;          // samples kept per sparkline (a minute)
const history = new Map();   // series name -> numbers, oldest first
let previous = null;         // the last /actuator/echo snapshot, with the time it was taken
let updates = 0;
let refreshing = false;      // a slow answer (a busy server) must not pile up polls behind it

function remember(series, value) {
  let values = history.get(series);
  if (!values) {
    values = [];
    history.set(series, values);
  }
  values.push(value);
  if (values.length > HISTORY) {
    values.shift();
  }
  return values;
}

function sparkline(svg, values) {
  const width = 300;
  const height = 60;
  const max = Math.max(1, ...values);
  const step = width / (HISTORY - 1);
  const offset = HISTORY - values.length;
  const points = values.map((v, i) => ((offset + i) * step).toFixed(1) + ',' + (height - 2 - (v / max) * (height - 4)).toFixed(1));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.innerHTML = `<polyline points="${points.join(' ')}"></polyline>`;
  svg.setAttribute('data-max', String(max));
}

function text(id, value) {
  document.getElementById(id).textContent = String(value);
}

function number(n) {
  return Math.round(n).toLocaleString('en-US');
}

async function json(url, options) {
  const response = await fetch(url, Object.assign({ headers: { Accept: 'application/json' } }, options));
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return response.json();
}

function processorRow(tbody, id) {
  let row = document.getElementById(`p${id}`);
  if (!row) {
    row = document.createElement('tr');
    row.id = `p${id}`;
    row.innerHTML = `<td>${id}</td><td><span class="state"></span></td>
      <td><span class="bar"><i></i></span><span class="bar-value" id="p${id}-queue">0</span></td>
      <td><svg class="spark" id="p${id}-run-spark"></svg> <span id="p${id}-run-rate">0</span></td>
      <td><svg class="spark" id="p${id}-steal-spark"></svg> <span id="p${id}-steal-rate">0</span></td>
      <td><svg class="spark" id="p${id}-out-spark"></svg> <span id="p${id}-out-rate">0</span></td>
      <td class="num" id="p${id}-busy">0%</td>
      <td class="num" id="p${id}-tasksRun">0</td>
      <td class="num" id="p${id}-stealsIn">0</td>`;
    tbody.appendChild(row);
  }
  return row;
}

function drawRuntime(stats, seconds) {
  text('runtime-name', `'${stats.name}'`);
  text('transport', stats.transport);
  text('workers', stats.workers);
  text('global-queue', stats.globalQueueLength);
  text('timers', stats.timersPending);
  text('handoffs', stats.handOffs);

  const tbody = document.querySelector('#processors tbody');
  const queueScale = Math.max(16, ...stats.processors.map((p) => p.queueLength));
  for (const p of stats.processors) {
    const row = processorRow(tbody, p.id);
    const before = previous && previous.stats.processors.find((q) => q.id === p.id);
    const rate = (field) => (before && seconds > 0 ? (p[field] - before[field]) / seconds : 0);
    const state = row.querySelector('.state');
    state.textContent = p.state;
    state.className = `state ${p.state}`;
    row.querySelector('.bar > i').style.width = `${Math.min(100, (100 * p.queueLength) / queueScale)}%`;
    text(`p${p.id}-queue`, p.queueLength);
    const runs = rate('tasksRun');
    const stealsIn = rate('stealsIn');
    const stealsOut = rate('stealsOut');
    sparkline(document.getElementById(`p${p.id}-run-spark`), remember(`p${p.id}-run`, runs));
    sparkline(document.getElementById(`p${p.id}-steal-spark`), remember(`p${p.id}-steal`, stealsIn));
    sparkline(document.getElementById(`p${p.id}-out-spark`), remember(`p${p.id}-out`, stealsOut));
    text(`p${p.id}-run-rate`, number(runs));
    text(`p${p.id}-steal-rate`, number(stealsIn));
    text(`p${p.id}-out-rate`, number(stealsOut));
    const busy = before && seconds > 0 ? (p.busyTimeNanos - before.busyTimeNanos) / (seconds * 1e9) : 0;
    text(`p${p.id}-busy`, `${Math.min(100, Math.round(100 * busy))}%`);
    text(`p${p.id}-tasksRun`, number(p.tasksRun));
    text(`p${p.id}-stealsIn`, number(p.stealsIn));
  }

  const t = stats.tasks;
  text('live-ready', t.ready);
  text('live-running', t.running);
  text('live-waiting', t.waiting);
  sparkline(document.getElementById('live-spark'), remember('live', t.live));
  text('tasks-spawned', t.spawned);
  text('tasks-completed', t.completed);
  text('tasks-failed', t.failed);
  text('tasks-cancelled', t.cancelled);
}

function drawDump(dump) {
  text('dump-matched', dump.matched);
  const tbody = document.querySelector('#dump tbody');
  tbody.innerHTML = '';
  for (const task of dump.tasks) {
    const row = document.createElement('tr');
    for (const cell of [task.id, task.name ?? '', task.status, `${number(task.ageMillis)} ms`, task.waitingOn ?? '']) {
      const td = document.createElement('td');
      td.textContent = String(cell);
      row.appendChild(td);
    }
    tbody.appendChild(row);
  }
}

function drawFanOut(fanOut, backends, streams) {
  text('fanout-requests', fanOut.requests);
  text('fanout-complete', fanOut.complete);
  text('fanout-partial', fanOut.partial);
  text('fanout-arrived', fanOut.arrived);
  text('fanout-failed', fanOut.failed);
  text('fanout-missing', fanOut.missing);
  text('fanout-cancelled', fanOut.stragglersCancelled);
  const tbody = document.querySelector('#backends tbody');
  tbody.innerHTML = '';
  for (const b of backends) {
    const row = document.createElement('tr');
    for (const cell of [b.name, b.requests, b.answered, b.failed, b.disconnected]) {
      const td = document.createElement('td');
      td.textContent = String(cell);
      row.appendChild(td);
    }
    tbody.appendChild(row);
  }
  text('streams-live', streams.live);
}

async function refresh() {
  if (refreshing) {
    return;
  }
  refreshing = true;
  const status = document.getElementById('status');
  try {
    const [stats, dump, fanOut, backends, streams] = await Promise.all([
      json('actuator/echo'),
      json('actuator/echo/tasks?limit=12'),
      json('api/quotes/stats'),
      json('backends'),
      json('api/stream/stats'),
    ]);
    const now = performance.now();
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    drawRuntime(stats, seconds);
    drawDump(dump);
    drawFanOut(fanOut, backends, streams);
    previous = { stats, at: now };
    updates++;
    text('updates', updates);
    status.textContent = 'live';
    status.className = 'status ok';
  } catch (failure) {
    status.textContent = `not updating: ${failure.message}`;
    status.className = 'status error';
  } finally {
    refreshing = false;
  }
}

async function burst() {
  const button = document.getElementById('burst');
  const size = Number(document.getElementById('burst-size').value) || 200;
  const result = document.getElementById('burst-result');
  button.disabled = true;
  result.textContent = `sending ${size} quote requests…`;
  try {
    const r = await json(`api/burst?requests=${size}`, { method: 'POST' });
    result.textContent = `burst done: ${r.requests} requests in ${number(r.elapsedMillis)} ms — `
      + `${r.complete} complete, ${r.partial} partial, ${r.failed} failed`;
    result.dataset.done = String(r.requests);
  } catch (failure) {
    result.textContent = `burst failed: ${failure.message}`;
  } finally {
    button.disabled = false;
  }
}

document.getElementById('burst').addEventListener('click', burst);
refresh();
setInterval(refresh, 1000);
