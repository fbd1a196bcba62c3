// The Audit Log page. Plain JS, no build step. Every piece of data reaches the DOM through
// textContent or DOM attributes, never innerHTML, and the CSP forbids inline code anyway.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const EMBED = location.pathname === "/embed";
  const STORE_KEY = "auditlog.credential";
  const PRESETS = { "24h": 1, "7d": 7, "30d": 30, "90d": 90 };
  const COLORS = ["#1f5fa8", "#e07b24", "#2e9e5b", "#c23b4b", "#7a52b3", "#1c9aa6", "#b38f00",
    "#6b7a8f", "#d45fa0", "#4a7f2c", "#8c564b", "#2b4f8c"];

  let credential = null;
  let me = null;          // whoami
  let catalog = null;
  let actors = [];        // [{type,id,name}]
  let pageCursors = [null];
  let pageIndex = 0;
  let loadSeq = 0;

  // ---------- small DOM helpers ----------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svg(tag, attrs) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(node, yes) { node.hidden = !yes; }

  // ---------- state <-> URL ----------
  const STATE_KEYS = ["category", "preset", "from", "to", "tz", "verb", "entity_type", "action",
    "actor_id", "actor_type", "entity_id", "group", "stack", "limit"];
  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { return "UTC"; }
  }
  function readState() {
    const q = new URLSearchParams(location.search);
    const s = {};
    for (const k of STATE_KEYS) s[k] = q.get(k) || "";
    if (!s.preset) s.preset = s.from ? "custom" : "7d";
    if (!s.tz) s.tz = browserZone();
    if (!s.group) s.group = "entity_type";
    if (!s.stack) s.stack = "verb";
    if (!s.limit) s.limit = "50";
    return s;
  }
  let state = null;
  function stateUrl(s) {
    const q = new URLSearchParams();
    if (EMBED) {
      const t = new URLSearchParams(location.search).get("token");
      if (t) q.set("token", t);
    }
    for (const k of STATE_KEYS) {
      if (!s[k]) continue;
      // a preset is relative to now: only a custom range keeps dates in the link
      if ((k === "from" || k === "to") && s.preset !== "custom") continue;
      q.set(k, s[k]);
    }
    return location.pathname + "?" + q.toString();
  }
  function go(s, push) {
    state = s;
    const url = stateUrl(s);
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    pageCursors = [null];
    pageIndex = 0;
    syncForm();
    loadAll();
  }

  // The API query for the current state (without paging).
  function apiFilters(s) {
    const q = new URLSearchParams();
    if (s.preset === "custom") {
      if (s.from) q.set("from", s.from);
      if (s.to) q.set("to", s.to);
    } else {
      const days = PRESETS[s.preset] || 7;
      // whole minutes, so that repeated requests (paging) keep one range
      const now = Math.floor(Date.now() / 60000) * 60000;
      q.set("from", new Date(now - days * 86400000).toISOString());
    }
    q.set("tz", s.tz);
    for (const k of ["category", "verb", "entity_type", "action", "actor_id", "actor_type", "entity_id"]) {
      if (s[k]) q.set(k, s[k]);
    }
    return q;
  }
  let frozenFrom = null;   // the preset's `from`, fixed while paging one view

  // ---------- API ----------
  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }
  async function api(path, opts) {
    let resp;
    try {
      resp = await fetch(path, Object.assign({
        headers: { "Authorization": "Bearer " + credential },
        cache: "no-store",
      }, opts || {}));
    } catch (e) {
      throw new ApiError(0, "network", "The server cannot be reached. Check your connection and try again.");
    }
    if (!resp.ok) {
      let code = "http_" + resp.status, message = resp.statusText || "request failed";
      try {
        const body = await resp.json();
        if (body && body.error) { code = body.error.code; message = body.error.message; }
      } catch { /* not JSON */ }
      throw new ApiError(resp.status, code, message);
    }
    return resp;
  }
  const getJson = async (path) => (await api(path)).json();

  function hintFor(err) {
    switch (err.code) {
      case "token_expired":
        return EMBED ? "This link has expired. Reload the page in your helpdesk to get a fresh one."
          : "This viewer token has expired. Ask for a new one, or sign in with a read key.";
      case "token_invalid":
        return "This link is not valid (it was changed, or the key that issued it was revoked). Open the Audit Log again from your helpdesk.";
      case "unauthorized": return "Sign in again with a valid read key.";
      case "forbidden": return "This credential cannot read this report. Use a read or admin key.";
      case "invalid_request": return "Check the filters (dates, entity id) and try again.";
      case "network": return "";
      default: return "Try again in a moment. If it keeps failing, tell your administrator.";
    }
  }

  // ---------- labels ----------
  const label = {
    verb: (v) => (catalog && catalog.verbMap[v]) || v,
    entity: (t) => (catalog && catalog.entityMap[t]) || t,
    action: (a) => (catalog && catalog.actionMap[a] && catalog.actionMap[a].label) || a,
    category: (c) => (catalog && catalog.categoryMap[c]) || c,
  };
  function performedBy(actor, via) {
    if (!actor) return "";
    if (actor.type === "system") {
      let s = "System";
      if (via) s += " · via " + via.type + " " + (via.name || via.id || "");
      return s.trim();
    }
    let s = actor.name || actor.email || actor.id || "";
    if (via) s += " · via " + via.type + " " + (via.name || via.id || "");
    return s.trim();
  }

  // ---------- time ----------
  const fmtCache = {};
  function fmt(tz) {
    if (!fmtCache[tz]) {
      fmtCache[tz] = new Intl.DateTimeFormat("en-CA", {
        timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short",
      });
    }
    return fmtCache[tz];
  }
  function showTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso;
    const p = {};
    for (const part of fmt(state.tz).formatToParts(d)) p[part.type] = part.value;
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName || ""}`.trim();
  }

  // ---------- sign-in ----------
  function showSignin(message) {
    show($("report"), false);
    show($("fatal"), false);
    show($("signin"), true);
    const e = $("signin-error");
    e.textContent = message || "";
    show(e, !!message);
    $("credential-input").focus();
  }
  function showFatal(err) {
    show($("report"), false);
    show($("signin"), false);
    show($("fatal"), true);
    $("fatal-title").textContent = err.code === "token_expired" ? "This link has expired"
      : err.code === "token_invalid" ? "This link is not valid" : "Cannot open the Audit Log";
    // the friendly sentence first; the server's own words as details
    const hint = hintFor(err);
    $("fatal-message").textContent = hint || err.message;
    $("fatal-hint").textContent = hint ? "Details: " + err.message : "";
  }

  async function start() {
    try {
      me = await getJson("/v1/whoami");
    } catch (err) {
      if (EMBED) return showFatal(err);
      sessionStorage.removeItem(STORE_KEY);
      credential = null;
      return showSignin(err.message + (hintFor(err) ? " " + hintFor(err) : ""));
    }
    if (me.scope === "write") {
      sessionStorage.removeItem(STORE_KEY);
      return showSignin("This is a write key: it can send events but not read them. Use a read or admin key.");
    }
    $("org-name").textContent = me.org.name + " (" + me.org.slug + ")";
    const badge = $("credential");
    badge.textContent = me.credential === "viewer_token" ? "Read-only view" : me.scope + " key";
    show(badge, true);
    show($("sign-out"), !EMBED);
    // the org's own catalog: the built-ins and the actions its platform defined (signing in
    // as another org reads it again)
    await loadCatalog();
    show($("signin"), false);
    show($("fatal"), false);
    show($("report"), true);
    buildTabs();
    buildSelects();
    state = readState();
    frozenFrom = null;
    syncForm();
    loadActors();
    loadAll();
  }

  async function loadCatalog() {
    const c = await getJson("/v1/catalog");
    c.verbMap = {}; c.entityMap = {}; c.actionMap = {}; c.categoryMap = {};
    for (const v of c.verbs) c.verbMap[v.name] = v.label;
    for (const e of c.entity_types) c.entityMap[e.name] = e.label;
    for (const c2 of c.categories) c.categoryMap[c2.name] = c2.label;
    for (const a of c.actions) {
      const [entity_type, verb] = [a.action.split(".")[0], a.action.slice(a.action.indexOf(".") + 1)];
      c.actionMap[a.action] = Object.assign({ entity_type, verb }, a);
    }
    catalog = c;
  }

  function allowedCategories() {
    return (me && me.categories) || catalog.categories.map((c) => c.name);
  }

  function buildTabs() {
    const list = $("category-tabs");
    clear(list);
    const cats = allowedCategories();
    // "All" sends no category: the helpdesk's events without the recorded reads of the log
    // (their own Access tab), as every default query; not category=all, which would show
    // the page's own views among them and count them from the events instead of rollups
    const tabs = [["", "All"]].concat(cats.map((c) => [c, label.category(c)]));
    for (const [value, text] of tabs) {
      const b = el("button", { type: "button", role: "tab", "data-category": value, text });
      b.addEventListener("click", () => go(Object.assign({}, state, { category: value, action: "" }), true));
      b.addEventListener("keydown", (ev) => {
        const all = [...list.querySelectorAll("[role=tab]")];
        const i = all.indexOf(b);
        if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
          const n = all[(i + (ev.key === "ArrowRight" ? 1 : all.length - 1)) % all.length];
          n.focus(); n.click();
          ev.preventDefault();
        }
      });
      list.append(b);
    }
  }

  function fillSelect(sel, options, anyLabel) {
    const cur = sel.value;
    clear(sel);
    sel.append(el("option", { value: "", text: anyLabel }));
    for (const [v, t] of options) sel.append(el("option", { value: v, text: t }));
    sel.value = cur;
  }

  function buildSelects() {
    const tz = $("f-tz");
    if (!tz.options.length) {
      let zones = [];
      try { zones = Intl.supportedValuesOf("timeZone"); } catch { zones = []; }
      const set = new Set(["UTC", browserZone()].concat(zones));
      for (const z of set) tz.append(el("option", { value: z, text: z }));
    }
    // "Added (created)": the catalog's verb in brackets where its label says it differently
    const verbText = (v) => v.label.toLowerCase() === v.name.replace(/_/g, " ") ? v.label : `${v.label} (${v.name})`;
    fillSelect($("f-verb"), catalog.verbs.map((v) => [v.name, verbText(v)]), "Any action");
    fillSelect($("f-entity-type"), catalog.entity_types.map((e) => [e.name, e.label]), "Any entity type");
  }

  function eventOptions(s) {
    const cats = s.category ? [s.category] : allowedCategories();
    return catalog.actions
      .filter((a) => cats.includes(a.category))
      .filter((a) => !s.entity_type || catalog.actionMap[a.action].entity_type === s.entity_type)
      .filter((a) => !s.verb || catalog.actionMap[a.action].verb === s.verb)
      .map((a) => [a.action, a.label + " (" + a.action + ")"]);
  }

  function actorText(a) {
    return a.type === "system" ? "System" : (a.name || a.id) + " <" + a.id + ">";
  }

  function syncForm() {
    for (const b of $("category-tabs").querySelectorAll("[role=tab]")) {
      const on = b.getAttribute("data-category") === state.category;
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
    }
    $("f-preset").value = state.preset;
    for (const id of ["custom-range", "custom-range-to"]) show($(id), state.preset === "custom");
    $("f-from").value = state.from;
    $("f-to").value = state.to;
    if (![...$("f-tz").options].some((o) => o.value === state.tz)) {
      $("f-tz").append(el("option", { value: state.tz, text: state.tz }));
    }
    $("f-tz").value = state.tz;
    $("f-verb").value = state.verb;
    $("f-entity-type").value = state.entity_type;
    fillSelect($("f-action"), eventOptions(state), "Any event");
    $("f-action").value = state.action;
    if (state.actor_type === "system") $("f-actor").value = "System";
    else if (state.actor_id) {
      const a = actors.find((x) => x.id === state.actor_id);
      $("f-actor").value = a ? actorText(a) : state.actor_id;
    } else $("f-actor").value = "";
    $("f-entity-id").value = state.entity_id;
    $("f-group").value = state.group;
    $("f-stack").value = state.stack;
    $("f-limit").value = state.limit;
  }

  function formState() {
    const s = Object.assign({}, state);
    s.preset = $("f-preset").value;
    s.from = s.preset === "custom" ? $("f-from").value : "";
    s.to = s.preset === "custom" ? $("f-to").value : "";
    s.tz = $("f-tz").value;
    s.verb = $("f-verb").value;
    s.entity_type = $("f-entity-type").value;
    s.action = $("f-action").value;
    const who = $("f-actor").value.trim();
    s.actor_id = ""; s.actor_type = "";
    if (who) {
      if (who.toLowerCase() === "system") s.actor_type = "system";
      else {
        const lower = who.toLowerCase();
        const m = actors.find((a) => a.type === "user" && actorText(a) === who)
          || actors.find((a) => a.type === "user" && ((a.name || "").toLowerCase() === lower || a.id.toLowerCase() === lower));
        s.actor_id = m ? m.id : who;
      }
    }
    s.entity_id = $("f-entity-id").value.trim();
    s.group = $("f-group").value;
    s.stack = $("f-stack").value;
    s.limit = $("f-limit").value;
    return s;
  }

  async function loadActors() {
    try {
      const v = await getJson("/v1/events/summary?group_by=actor&limit=10000");
      actors = v.groups.map((g) => g.actor);
      const dl = $("actor-options");
      clear(dl);
      dl.append(el("option", { value: "System" }));
      for (const a of actors) if (a.type === "user") dl.append(el("option", { value: actorText(a) }));
      syncForm();
    } catch { /* the list is a convenience; typing an id still works */ }
  }

  // ---------- loading the report ----------
  function setBusy(on) {
    for (const id of ["chart", "counts", "events"]) $(id).setAttribute("aria-busy", on ? "true" : "false");
  }

  async function loadAll() {
    const seq = ++loadSeq;
    const q = apiFilters(state);
    if (state.preset !== "custom") {
      if (pageIndex === 0 || !frozenFrom) frozenFrom = q.get("from");
      q.set("from", frozenFrom);
    }
    setBusy(true);
    $("total").textContent = "";
    const tasks = [loadChart(q, seq), loadCounts(q, seq), loadEvents(q, seq)];
    await Promise.allSettled(tasks);
    if (seq === loadSeq) setBusy(false);
  }

  function handleAuthError(err) {
    if (["token_expired", "token_invalid", "unauthorized"].includes(err.code)) {
      if (EMBED) showFatal(err);
      else { sessionStorage.removeItem(STORE_KEY); credential = null; showSignin(err.message + " " + hintFor(err)); }
      return true;
    }
    return false;
  }

  function intervalFor(s) {
    if (s.preset === "24h") return "hour";
    if (s.preset === "custom" && s.from && s.to) {
      const days = (Date.parse(s.to) - Date.parse(s.from)) / 86400000 + 1;
      if (days <= 2) return "hour";
      if (days > 200) return "week";
    }
    if (s.preset === "custom" && !s.from) return "week";
    return "day";
  }

  async function loadChart(q, seq) {
    const chart = $("chart");
    const qq = new URLSearchParams(q);
    qq.set("interval", intervalFor(state));
    qq.set("stack", state.stack);
    try {
      const h = await getJson("/v1/events/histogram?" + qq);
      if (seq !== loadSeq) return;
      drawChart(h);
    } catch (err) {
      if (seq !== loadSeq || handleAuthError(err)) return;
      clear(chart);
      chart.append(el("p", { class: "state error", text: err.message + " " + hintFor(err) }));
      clear($("legend"));
    }
  }

  function keyLabel(k) {
    return state.stack === "category" ? label.category(k) : label.verb(k);
  }

  function drawChart(h) {
    const chart = $("chart"), legend = $("legend");
    clear(chart); clear(legend);
    // draw in the container's own pixels, so that labels keep their size on a phone
    const W = Math.max(300, Math.round(chart.clientWidth || 1000)), H = 200, L = 44, B = 26, T = 8;
    const buckets = h.buckets;
    if (!buckets.length || h.total === 0) {
      chart.append(el("p", { class: "state", text: "No events in this range to chart." }));
      return;
    }
    // a multiple of 4, so that the 4 grid lines fall on whole numbers
    const max = Math.max(4, Math.ceil(Math.max(...buckets.map((b) => b.total)) / 4) * 4);
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", "aria-hidden": "true" });
    const bw = (W - L) / buckets.length;
    const color = {};
    h.keys.forEach((k, i) => { color[k] = COLORS[i % COLORS.length]; });
    for (let i = 0; i <= 4; i++) {
      const y = T + (H - T - B) * (1 - i / 4);
      s.append(svg("line", { x1: L, x2: W, y1: y, y2: y, class: "grid" }));
      const t = svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "axis" });
      t.textContent = String(Math.round((max * i) / 4));
      s.append(t);
    }
    const every = Math.max(1, Math.ceil(buckets.length / Math.max(3, Math.floor((W - L) / 80))));
    buckets.forEach((b, i) => {
      let y = H - B;
      const x = L + i * bw + Math.min(2, bw * 0.1);
      const w = Math.max(1, bw - Math.min(4, bw * 0.2));
      for (const k of h.keys) {
        const n = b.counts[k] || 0;
        if (!n) continue;
        const bh = ((H - T - B) * n) / max;
        y -= bh;
        const r = svg("rect", { x, y, width: w, height: bh, fill: color[k] });
        const title = svg("title");
        title.textContent = `${b.label}: ${keyLabel(k)} ${n}`;
        r.append(title);
        s.append(r);
      }
      if (i % every === 0) {
        const t = svg("text", { x: x + w / 2, y: H - 8, "text-anchor": "middle", class: "axis" });
        t.textContent = b.label.length > 10 ? b.label.slice(5, 16).replace("T", " ") : b.label.slice(5);
        s.append(t);
      }
    });
    chart.append(s);
    chart.setAttribute("aria-label", `Events over time: ${h.total} events in ${buckets.length} ${h.interval} buckets`);
    for (const k of h.keys) {
      const total = buckets.reduce((n, b) => n + (b.counts[k] || 0), 0);
      const sw = el("span", { class: "swatch" });
      sw.style.background = color[k];
      legend.append(el("li", {}, sw, `${keyLabel(k)} (${total})`));
    }
  }

  function groupLabel(g) {
    switch (state.group) {
      case "entity_type": return label.entity(g.entity_type);
      case "verb": return label.verb(g.verb);
      case "action": return label.action(g.action) + " (" + g.action + ")";
      case "actor": return g.actor.type === "system" ? "System" : (g.actor.name || g.actor.id) + " (" + g.actor.id + ")";
      case "day": return g.day;
      default: return "";
    }
  }
  function groupFilter(g) {
    const s = Object.assign({}, state);
    switch (state.group) {
      case "entity_type": s.entity_type = g.entity_type; break;
      case "verb": s.verb = g.verb; break;
      case "action": s.action = g.action; break;
      case "actor":
        if (g.actor.type === "system") { s.actor_type = "system"; s.actor_id = ""; }
        else { s.actor_id = g.actor.id; s.actor_type = ""; }
        break;
      case "day": s.preset = "custom"; s.from = g.day; s.to = g.day; break;
    }
    return s;
  }

  async function loadCounts(q, seq) {
    const tbody = $("counts").querySelector("tbody");
    const st = $("counts-state");
    const qq = new URLSearchParams(q);
    qq.set("group_by", state.group);
    qq.set("limit", "200");
    const head = { entity_type: "Entity Type", verb: "Action", action: "Event", actor: "Performed By", day: "Day" };
    $("counts-key").textContent = head[state.group] || "Group";
    try {
      const v = await getJson("/v1/events/summary?" + qq);
      if (seq !== loadSeq) return;
      clear(tbody);
      $("total").textContent = `(${v.total.toLocaleString("en-US")} events)`;
      $("total").setAttribute("data-total", String(v.total));
      let groups = v.groups;
      if (state.group === "day") groups = groups.slice().sort((a, b) => (a.day < b.day ? 1 : -1));
      for (const g of groups) {
        const target = groupFilter(g);
        const a = el("a", { href: stateUrl(target), class: "group-link", text: groupLabel(g) });
        a.addEventListener("click", (ev) => {
          if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
          ev.preventDefault();
          go(target, true);
        });
        tbody.append(el("tr", {}, el("td", {}, a), el("td", { class: "num", text: String(g.count) })));
      }
      show(st, groups.length === 0 || v.truncated);
      st.textContent = groups.length === 0 ? "No events match these filters."
        : "Showing the 200 largest groups; narrow the filters to see the rest.";
    } catch (err) {
      if (seq !== loadSeq || handleAuthError(err)) return;
      clear(tbody);
      show(st, true);
      st.textContent = err.message + " " + hintFor(err);
    }
  }

  function eventRow(e) {
    const open = el("button", { type: "button", class: "open", text: showTime(e.occurred_at), "aria-label": "Open event " + e.id });
    const name = el("td", { "data-label": "Entity Name" });
    name.append(el("span", { class: "entity-name", text: e.entity.name || "(no name)" }));
    name.append(el("span", { class: "sub mono", text: e.entity.id }));
    const tr = el("tr", { "data-id": e.id },
      el("td", { "data-label": "Occurred At" }, open),
      el("td", { "data-label": "Entity Type", text: label.entity(e.entity.type) }),
      name,
      el("td", { "data-label": "Action", class: "action-cell" },
        el("span", { text: label.verb(e.action.slice(e.action.indexOf(".") + 1)) }),
        el("span", { class: "sub mono", text: e.action })),
      el("td", { "data-label": "Performed By", class: "performed-by", text: performedBy(e.actor, e.via) }));
    open.addEventListener("click", (ev) => { ev.stopPropagation(); openDetail(e.id); });
    tr.addEventListener("click", () => openDetail(e.id));
    return tr;
  }

  async function loadEvents(q, seq) {
    const tbody = $("events").querySelector("tbody");
    const st = $("events-state");
    const qq = new URLSearchParams(q);
    qq.set("limit", state.limit);
    const cursor = pageCursors[pageIndex];
    if (cursor) qq.set("cursor", cursor);
    $("page-newer").disabled = true;
    $("page-older").disabled = true;
    show(st, true);
    st.className = "state";
    st.textContent = "Loading events…";
    try {
      const v = await getJson("/v1/events?" + qq);
      if (seq !== loadSeq) return;
      clear(tbody);
      for (const e of v.events) tbody.append(eventRow(e));
      pageCursors[pageIndex + 1] = v.next_cursor;
      $("page-newer").disabled = pageIndex === 0;
      $("page-older").disabled = !v.next_cursor;
      const first = pageIndex * Number(state.limit) + 1;
      $("page-info").textContent = v.events.length
        ? `Page ${pageIndex + 1} · events ${first}–${first + v.events.length - 1}` : `Page ${pageIndex + 1}`;
      if (v.events.length === 0) {
        clear(st);
        st.append(el("p", { text: "No events match these filters." }),
          el("p", { class: "hint", text: "Widen the date range, pick another category, or clear the filters." }));
        const b = el("button", { type: "button", class: "secondary", text: "Clear filters" });
        b.addEventListener("click", clearFilters);
        st.append(b);
      } else show(st, false);
    } catch (err) {
      if (seq !== loadSeq || handleAuthError(err)) return;
      clear(tbody);
      st.className = "state error";
      clear(st);
      st.append(el("p", { text: err.message }), el("p", { class: "hint", text: hintFor(err) }));
      const b = el("button", { type: "button", class: "secondary", text: "Retry" });
      b.addEventListener("click", () => loadAll());
      st.append(b);
    }
  }

  async function reloadEventsOnly() {
    const seq = ++loadSeq;
    const q = apiFilters(state);
    if (state.preset !== "custom" && frozenFrom) q.set("from", frozenFrom);
    $("events").setAttribute("aria-busy", "true");
    await loadEvents(q, seq);
    $("events").setAttribute("aria-busy", "false");
    $("events-heading").focus();
  }

  // ---------- detail ----------
  function jsonText(v) {
    if (v === undefined) return "";
    if (typeof v === "string") return v;
    return JSON.stringify(v, null, 2);
  }
  function kv(pairs) {
    const dl = el("dl", { class: "kv" });
    for (const [k, v, cls] of pairs) {
      if (v === undefined || v === null || v === "") continue;
      dl.append(el("dt", { text: k }), el("dd", { class: cls || null, text: v }));
    }
    return dl;
  }
  async function openDetail(id) {
    const dlg = $("detail"), body = $("detail-body");
    clear(body);
    $("detail-title").textContent = "Loading event…";
    if (!dlg.open) dlg.showModal();
    let e;
    try {
      e = await getJson("/v1/events/" + encodeURIComponent(id));
    } catch (err) {
      if (handleAuthError(err)) { dlg.close(); return; }
      $("detail-title").textContent = "Cannot load this event";
      body.append(el("p", { class: "error", text: err.message }), el("p", { class: "hint", text: hintFor(err) }));
      return;
    }
    $("detail-title").textContent = label.action(e.action);
    body.append(kv([
      ["Occurred At", showTime(e.occurred_at)],
      ["Recorded At", showTime(e.recorded_at)],
      ["Category", label.category(e.category)],
      ["Entity", `${label.entity(e.entity.type)} · ${e.entity.name || "(no name)"} · ${e.entity.id}`],
      ["Event", e.action],
      ["Performed By", performedBy(e.actor, null)],
      ["Actor", [e.actor.type, e.actor.id, e.actor.email].filter(Boolean).join(" · ")],
      ["Via", e.via ? [e.via.type, e.via.name, e.via.id].filter(Boolean).join(" · ") : ""],
    ]));
    body.append(el("h3", { text: "Changes" }));
    if (e.changes.length) {
      const t = el("table", { class: "data diff" },
        el("thead", {}, el("tr", {}, el("th", { text: "Field" }), el("th", { text: "Before" }), el("th", { text: "After" }))));
      const tb = el("tbody");
      for (const c of e.changes) {
        tb.append(el("tr", {},
          el("td", { class: "mono", text: c.field }),
          el("td", { class: "old" }, el("pre", { text: "old" in c ? jsonText(c.old) : "—" })),
          el("td", { class: "new" }, el("pre", { text: "new" in c ? jsonText(c.new) : "—" }))));
      }
      t.append(tb);
      body.append(el("div", { class: "table-wrap" }, t));
    } else body.append(el("p", { class: "hint", text: "No field changes recorded." }));
    body.append(el("h3", { text: "Context" }));
    const ctx = e.context || {};
    if (Object.keys(ctx).length) {
      body.append(kv([["IP address", ctx.ip], ["User agent", ctx.user_agent], ["Request id", ctx.request_id], ["Session id", ctx.session_id]]));
    } else body.append(el("p", { class: "hint", text: "No request context recorded." }));
    body.append(el("h3", { text: "Related entities" }));
    if (e.related.length) {
      const ul = el("ul");
      for (const r of e.related) {
        ul.append(el("li", { text: `${label.entity(r.type)} ${r.name ? "· " + r.name + " " : ""}· ${r.id}${r.role ? " (" + r.role + ")" : ""}` }));
      }
      body.append(ul);
    } else body.append(el("p", { class: "hint", text: "None." }));
    if (e.metadata && Object.keys(e.metadata).length) {
      body.append(el("h3", { text: "Metadata" }), el("pre", { class: "mono", text: JSON.stringify(e.metadata, null, 2) }));
    }
    body.append(el("h3", { text: "Integrity" }));
    body.append(kv([["Event id", e.id, "mono"], ["Seq", String(e.seq), "mono seq"], ["Hash", e.hash, "mono hash"], ["Previous hash", e.prev_hash, "mono"]]));
    $("detail-close").focus();
  }

  // ---------- downloads ----------
  async function download(format) {
    const st = $("download-state");
    const q = apiFilters(state);
    if (state.preset !== "custom" && frozenFrom) q.set("from", frozenFrom);
    q.set("format", format);
    st.textContent = `Preparing the ${format.toUpperCase()} file…`;
    try {
      const resp = await api("/v1/events/export?" + q);
      const blob = await resp.blob();
      const cd = resp.headers.get("content-disposition") || "";
      const m = /filename="([^"]+)"/.exec(cd);
      const name = m ? m[1] : "auditlog-export." + format;
      const url = URL.createObjectURL(blob);
      const a = el("a", { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      st.textContent = `Downloaded ${name} (${blob.size.toLocaleString("en-US")} bytes).`;
    } catch (err) {
      if (handleAuthError(err)) return;
      st.textContent = "The download failed: " + err.message + " " + hintFor(err);
    }
  }

  function clearFilters() {
    go(Object.assign({}, state, { verb: "", entity_type: "", action: "", actor_id: "", actor_type: "", entity_id: "" }), true);
  }

  // ---------- wiring ----------
  function wire() {
    $("signin-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = $("credential-input").value.trim();
      if (!v) return;
      credential = v;
      sessionStorage.setItem(STORE_KEY, v);
      $("credential-input").value = "";
      start();
    });
    $("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(STORE_KEY);
      credential = null; me = null;
      $("org-name").textContent = "";
      show($("credential"), false);
      show($("sign-out"), false);
      showSignin("");
    });
    $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); go(formState(), true); });
    for (const id of ["f-preset", "f-tz", "f-verb", "f-entity-type", "f-action", "f-group", "f-stack", "f-limit"]) {
      $(id).addEventListener("change", () => {
        const s = formState();
        if (id === "f-entity-type" || id === "f-verb") {
          if (s.action && !eventOptions(s).some(([a]) => a === s.action)) s.action = "";
        }
        if (id === "f-preset" && s.preset === "custom") {
          // start the custom range from what the preset showed
          if (!s.from) s.from = new Date(Date.now() - (PRESETS[state.preset] || 7) * 86400000).toISOString().slice(0, 10);
          if (!s.to) s.to = new Date().toISOString().slice(0, 10);
        }
        go(s, true);
      });
    }
    $("clear-filters").addEventListener("click", clearFilters);
    $("page-older").addEventListener("click", () => { pageIndex += 1; reloadEventsOnly(); });
    $("page-newer").addEventListener("click", () => { if (pageIndex > 0) { pageIndex -= 1; reloadEventsOnly(); } });
    $("download-csv").addEventListener("click", () => download("csv"));
    $("download-ndjson").addEventListener("click", () => download("ndjson"));
    $("detail-close").addEventListener("click", () => $("detail").close());
    window.addEventListener("popstate", () => {
      if (!me) return;
      state = readState();
      pageCursors = [null]; pageIndex = 0; frozenFrom = null;
      syncForm();
      loadAll();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wire();
    if (EMBED) {
      credential = new URLSearchParams(location.search).get("token");
      if (!credential) {
        return showFatal({ code: "token_invalid", message: "This page needs a ?token= from the host application." });
      }
    } else {
      credential = sessionStorage.getItem(STORE_KEY);
    }
    if (credential) start(); else showSignin("");
  });
})();
