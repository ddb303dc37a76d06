/**
 * The demo page: an EventSource that shows each `progress` event as it arrives (event name, progress
 * counter, runtime, pid), plus the connection state, so that closing the tab is something to watch.
 */
export const demoPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sse-compat demo</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; max-width: 48rem; }
  #state { font-weight: bold; }
  #state[data-state="open"] { color: #17803d; }
  #state[data-state="error"] { color: #b42318; }
  table { border-collapse: collapse; margin-top: 1rem; }
  td, th { border-bottom: 1px solid #ddd; padding: .2rem .8rem; text-align: left; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<h1>Server-Sent Events demo</h1>
<p>Stream <code>/events</code>: <span id="state" data-state="connecting">connecting</span>,
  <span id="count">0</span> events received, last id <code id="last-id">none</code>.</p>
<table>
  <thead><tr><th>event</th><th>progress</th><th>runtime</th><th>pid</th><th>id</th></tr></thead>
  <tbody id="events"></tbody>
</table>
<script type="module">
  const state = document.getElementById("state");
  const rows = document.getElementById("events");
  const count = document.getElementById("count");
  const lastId = document.getElementById("last-id");
  let received = 0;
  const source = new EventSource("/events" + location.search);
  // createdAt, openedAt, firstEventAt: ms since navigation (performance.now()), for browser.open-latency.
  window.sseDemo = { source, events: [], createdAt: performance.now() };
  const setState = (text) => { state.textContent = text; state.dataset.state = text; };
  source.onopen = () => { window.sseDemo.openedAt ??= performance.now(); setState("open"); };
  source.onerror = () => setState(source.readyState === EventSource.CLOSED ? "closed" : "error");
  const show = (event) => {
    window.sseDemo.firstEventAt ??= performance.now();
    received++;
    count.textContent = String(received);
    lastId.textContent = event.lastEventId || "none";
    let data = {};
    try { data = JSON.parse(event.data); } catch { data = { progress: event.data }; }
    window.sseDemo.events.push({ type: event.type, id: event.lastEventId, data: event.data });
    const row = document.createElement("tr");
    for (const value of [event.type, data.progress, data.runtime, data.pid, event.lastEventId]) {
      const cell = document.createElement("td");
      cell.textContent = value === undefined ? "" : String(value);
      row.append(cell);
    }
    rows.prepend(row);
    while (rows.children.length > 20) rows.lastElementChild.remove();
  };
  source.addEventListener("progress", show);
  source.addEventListener("message", show);
  source.addEventListener("shutdown", (event) => { show(event); setState("server shut down"); });
</script>
</body>
</html>
`;
