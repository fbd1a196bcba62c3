// Drives the Audit Log page in Chromium and checks it against the API.
// Usage: node tests/browser/run.mjs <base-url> <read-key>
// Env: CHROMIUM (default /usr/bin/chromium), SCREENSHOT_DIR (default target/screenshots),
//      XSS_NAME (the entity name with markup that the server was seeded with).
// Exit status 0 when every check passed; each check prints one line.
import { chromium } from "playwright-core";
import { readFile, mkdir } from "node:fs/promises";
import assert from "node:assert/strict";
import path from "node:path";

const [base, readKey] = process.argv.slice(2);
if (!base || !readKey) {
  console.error("usage: node run.mjs <base-url> <read-key>");
  process.exit(2);
}
const shots = process.env.SCREENSHOT_DIR || "target/screenshots";
const xssName = process.env.XSS_NAME || "<script>";
await mkdir(shots, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAILED - ${name}\n  ${String(e && e.stack || e).split("\n").slice(0, 6).join("\n  ")}`);
  }
}

async function api(pathAndQuery, key = readKey, init = {}) {
  const r = await fetch(base + pathAndQuery, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, ...(init.headers || {}) },
  });
  const text = await r.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* CSV */ }
  return { status: r.status, body, headers: r.headers };
}
async function mint(body) {
  const r = await api("/v1/viewer-tokens", readKey, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run"],
});
const context = await browser.newContext({
  viewport: { width: 1280, height: 900 },
  timezoneId: "Europe/Berlin",
  acceptDownloads: true,
});
const page = await context.newPage();
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => {
  // 401s of the expired/altered token checks are expected resource errors
  if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
});
page.on("request", (r) => {
  if (!r.url().startsWith(base) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) {
    problems.push(`external request: ${r.url()}`);
  }
});
const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

// the page's `from` for a preset is "now - N days"; all seeded data lies within 3 days, so
// the API calls below use the same window with `from` 30 days back
const from30 = new Date(Date.now() - 30 * 86400000).toISOString();

async function tableIds() {
  return page.$$eval("#events tbody tr", (rows) => rows.map((r) => r.getAttribute("data-id")));
}
async function settled() {
  await page.waitForFunction(() =>
    ["chart", "counts", "events"].every((id) => document.getElementById(id).getAttribute("aria-busy") === "false"));
}

await check("sign-in page is served and asks for a key", async () => {
  await page.goto(base + "/");
  await page.waitForSelector("#signin:not([hidden])");
  await shot("01-signin");
});

await check("a bad key is refused with a message", async () => {
  await page.fill("#credential-input", "alk_not_a_key");
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#signin-error:not([hidden])");
  const msg = await page.textContent("#signin-error");
  assert.match(msg, /invalid|revoked|missing/i);
});

await check("sign in with the read key shows the org's name as text, nothing of other orgs", async () => {
  await page.fill("#credential-input", readKey);
  await page.click("#signin-form button[type=submit]");
  await page.waitForSelector("#report:not([hidden])");
  await settled();
  assert.equal(await page.textContent("#org-name"), "Acme <i>Support</i> (acme)");
  assert.equal(await page.$$eval("#org-name i", (x) => x.length), 0);
  const body = await page.textContent("body");
  assert.ok(!body.includes("GLOBEX"), "another org's data is on the page");
  assert.equal(await page.inputValue("#f-tz"), "Europe/Berlin", "time zone defaults to the browser's");
  await shot("02-report-1280");
});

await check("the page has the strict CSP and no external requests", async () => {
  const r = await fetch(base + "/");
  const csp = r.headers.get("content-security-policy");
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get("x-content-type-options"), "nosniff");
});

await check("preset + filters: table rows and Event Counts equal the API's", async () => {
  await page.selectOption("#f-preset", "30d");
  await settled();
  await page.click("#category-tabs [data-category=configuration]");
  await settled();
  await page.selectOption("#f-verb", "updated");
  await settled();
  await page.selectOption("#f-limit", "25");
  await settled();
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("category"), "configuration");
  assert.equal(url.searchParams.get("verb"), "updated");
  assert.equal(url.searchParams.get("preset"), "30d");
  const q = `from=${encodeURIComponent(from30)}&tz=Europe%2FBerlin&category=configuration&verb=updated`;
  const list = await api(`/v1/events?${q}&limit=25`);
  assert.equal(list.status, 200);
  assert.ok(list.body.events.length > 0);
  assert.deepEqual(await tableIds(), list.body.events.map((e) => e.id));
  // Event Counts grouped by Entity Type
  const sum = await api(`/v1/events/summary?${q}&group_by=entity_type`);
  const rows = await page.$$eval("#counts tbody tr", (trs) => trs.map((tr) => [
    tr.querySelector("a").getAttribute("href"), Number(tr.cells[1].textContent)]));
  assert.deepEqual(rows.map((r) => r[1]), sum.body.groups.map((g) => g.count));
  rows.forEach((r, i) => assert.ok(r[0].includes(`entity_type=${sum.body.groups[i].entity_type}`)));
  assert.equal(await page.getAttribute("#total", "data-total"), String(sum.body.total));
  await shot("03-filtered");
});

await check("Performed By search filters by person; group by Performed By matches the API", async () => {
  await page.fill("#f-actor", "Ana Lima <u_1>");
  await page.click("#filters button[type=submit]");
  await settled();
  assert.equal(new URL(page.url()).searchParams.get("actor_id"), "u_1");
  const q = `from=${encodeURIComponent(from30)}&tz=Europe%2FBerlin&category=configuration&verb=updated&actor_id=u_1`;
  const list = await api(`/v1/events?${q}&limit=25`);
  assert.deepEqual(await tableIds(), list.body.events.map((e) => e.id));
  const performers = await page.$$eval("#events td.performed-by", (tds) => [...new Set(tds.map((t) => t.textContent))]);
  assert.deepEqual(performers, ["Ana Lima"]);
  // back to everyone, grouped by Performed By
  await page.fill("#f-actor", "");
  await page.selectOption("#f-group", "actor");
  await settled();
  const sum = await api(`/v1/events/summary?from=${encodeURIComponent(from30)}&tz=Europe%2FBerlin&category=configuration&verb=updated&group_by=actor`);
  const counts = await page.$$eval("#counts tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]));
  assert.deepEqual(counts.map((c) => c[1]), sum.body.groups.map((g) => g.count));
  assert.ok(counts.some((c) => c[0] === "System"), "System is a Performed By group");
});

await check("an Event Count row is a link that filters to it", async () => {
  await page.click("#counts tbody tr:has-text('System') a");
  await settled();
  assert.equal(new URL(page.url()).searchParams.get("actor_type"), "system");
  const texts = await page.$$eval("#events td.performed-by", (tds) => tds.map((t) => t.textContent));
  assert.ok(texts.length > 0);
  assert.ok(texts.every((t) => t === "System · via rule Tag shipping questions"), texts.join("|"));
});

await check("the URL reproduces the view", async () => {
  const url = page.url();
  const before = await tableIds();
  const p2 = await context.newPage();
  await p2.goto(url);   // same tab session: sessionStorage is per tab, so sign in again
  await p2.waitForSelector("#signin:not([hidden])");
  await p2.fill("#credential-input", readKey);
  await p2.click("#signin-form button[type=submit]");
  await p2.waitForFunction(() => document.querySelectorAll("#events tbody tr").length > 0);
  const after = await p2.$$eval("#events tbody tr", (rows) => rows.map((r) => r.getAttribute("data-id")));
  assert.deepEqual(after, before);
  assert.equal(await p2.inputValue("#f-actor"), "System");
  await p2.close();
});

await check("paging forward shows the API's next page", async () => {
  await page.goto(base + "/?preset=30d&limit=25&tz=Europe%2FBerlin");
  await settled();
  const q = `from=${encodeURIComponent(from30)}&tz=Europe%2FBerlin`;
  const p1 = await api(`/v1/events?${q}&limit=25`);
  assert.deepEqual(await tableIds(), p1.body.events.map((e) => e.id));
  assert.ok(p1.body.next_cursor);
  const p2 = await api(`/v1/events?${q}&limit=25&cursor=${encodeURIComponent(p1.body.next_cursor)}`);
  await page.click("#page-older");
  await page.waitForFunction(() => /Page 2/.test(document.getElementById("page-info").textContent));
  await settled();
  assert.deepEqual(await tableIds(), p2.body.events.map((e) => e.id));
  await shot("04-page2");
  await page.click("#page-newer");
  await page.waitForFunction(() => /Page 1/.test(document.getElementById("page-info").textContent));
  assert.deepEqual(await tableIds(), p1.body.events.map((e) => e.id));
});

await check("a row opens the detail: diff, context, related, seq and hash; keyboard works", async () => {
  await page.goto(base + "/?preset=30d&action=ticket.merged&tz=Europe%2FBerlin");
  await settled();
  const id = (await tableIds())[0];
  const ev = (await api(`/v1/events/${id}`)).body;
  await page.focus("#events tbody tr:first-child button.open");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#detail[open] .seq");
  assert.equal(await page.textContent("#detail .seq"), String(ev.seq));
  assert.equal(await page.textContent("#detail .hash"), ev.hash);
  const diff = await page.$$eval("#detail table.diff tbody td", (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(diff, [ev.changes[0].field, ev.changes[0].old, ev.changes[0].new]);
  const body = await page.textContent("#detail-body");
  assert.ok(body.includes("203.0.113.7") && body.includes("Mozilla/5.0 (test)"), "context shown");
  assert.ok(body.includes(ev.related[0].id), "related entity shown");
  await shot("05-detail");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#detail:not([open])", { state: "attached" });
});

await check("Download CSV equals the export endpoint's body for the same filters", async () => {
  await page.goto(base + "/?preset=30d&category=configuration&tz=Europe%2FBerlin");
  await settled();
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
  const file = await readFile(await dl.path(), "utf8");
  const exp = await api(`/v1/events/export?from=${encodeURIComponent(from30)}&tz=Europe%2FBerlin&category=configuration&format=csv`);
  assert.equal(exp.status, 200);
  assert.equal(file, exp.body);
  assert.match(dl.suggestedFilename(), /^auditlog-acme-events-.*\.csv$/);
  const lines = file.trim().split("\n");
  const total = (await api(`/v1/events/summary?from=${encodeURIComponent(from30)}&category=configuration`)).body.total;
  assert.equal(lines.length - 1, total);
  const [dl2] = await Promise.all([page.waitForEvent("download"), page.click("#download-ndjson")]);
  const nd = await readFile(await dl2.path(), "utf8");
  assert.equal(nd.trim().split("\n").length, total);
});

await check("names with <script> and other markup stay text and never run", async () => {
  await page.goto(base + "/?preset=30d&entity_id=r_xss&tz=Europe%2FBerlin");
  await settled();
  assert.equal(await page.textContent("#events tbody .entity-name"), xssName);
  assert.equal(await page.textContent("#events tbody td.performed-by"), "<b>Mallory</b>");
  assert.equal(await page.$$eval("#events tbody img, #events tbody script, #events tbody b", (x) => x.length), 0);
  await page.click("#events tbody button.open");
  await page.waitForSelector("#detail[open] .seq");
  assert.ok((await page.textContent("#detail table.diff")).includes("<img src=x onerror=alert(1)>"));
  assert.equal(await page.$$eval("#detail img", (x) => x.length), 0);
  await shot("06-markup-as-text");
  await page.keyboard.press("Escape");
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});

await check("readable at 390 px wide", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + "/?preset=30d&tz=Europe%2FBerlin");
  await settled();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the viewport`);
  await page.screenshot({ path: path.join(shots, "07-mobile-390-top.png") });
  await page.locator("#events-heading").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "07-mobile-390-events.png") });
  await page.setViewportSize({ width: 1280, height: 900 });
});

await check("empty state says what to do", async () => {
  await page.goto(base + "/?preset=24h&entity_id=nothing_here&tz=Europe%2FBerlin");
  await settled();
  const text = await page.textContent("#events-state");
  assert.match(text, /No events match/);
  assert.match(text, /clear the filters/i);
  await shot("08-empty");
});

await check("a platform-defined action is labelled and filtered from the org's catalog", async () => {
  await page.goto(base + "/?preset=30d&entity_type=invoice&tz=Europe%2FBerlin");
  await settled();
  const types = await page.$$eval("#f-entity-type option", (o) => o.map((x) => [x.value, x.textContent]));
  assert.ok(types.some(([v, t]) => v === "invoice" && t === "Invoice"), JSON.stringify(types));
  const events = await page.$$eval("#f-action option", (o) => o.map((x) => [x.value, x.textContent]));
  assert.ok(events.some(([v, t]) => v === "invoice.paid" && t === "Invoice paid (invoice.paid)"),
    JSON.stringify(events));
  const list = await api(`/v1/events?from=${encodeURIComponent(from30)}&entity_type=invoice&limit=50`);
  assert.equal(list.body.events.length, 3);
  assert.deepEqual(await tableIds(), list.body.events.map((e) => e.id));
  const cells = await page.$$eval("#events tbody td[data-label='Entity Type']", (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(cells, ["Invoice", "Invoice", "Invoice"]);
  assert.ok((await page.textContent("#events")).includes("Paid"), "the verb's label");
  assert.equal(await page.getAttribute("#total", "data-total"), "3");
});

await check("an embed link opens read-only, limited to the token's categories", async () => {
  const token = await mint({ ttl_seconds: 600, categories: ["configuration"] });
  await page.goto(`${base}/embed?token=${encodeURIComponent(token)}&preset=30d`);
  await settled();
  const tabs = await page.$$eval("#category-tabs [role=tab]", (b) => b.map((x) => x.textContent));
  assert.deepEqual(tabs, ["All", "Configuration"]);
  assert.equal(await page.isVisible("#sign-out"), false);
  const ids = await tableIds();
  const list = await api(`/v1/events?from=${encodeURIComponent(from30)}&category=configuration&limit=50`);
  assert.deepEqual(ids, list.body.events.map((e) => e.id));
  assert.equal(await page.textContent("#credential"), "Read-only view");
  await shot("09-embed");
});

await check("an embed link with an expired token says so", async () => {
  const token = await mint({ ttl_seconds: 1 });
  await new Promise((r) => setTimeout(r, 2100));
  await page.goto(`${base}/embed?token=${encodeURIComponent(token)}`);
  await page.waitForSelector("#fatal:not([hidden])");
  assert.equal(await page.textContent("#fatal-title"), "This link has expired");
  assert.match(await page.textContent("#fatal-message"), /fresh one/);
  assert.equal(await page.isVisible("#report"), false);
  await shot("10-embed-expired");
});

await check("an embed link with an altered token is refused", async () => {
  const token = await mint({ ttl_seconds: 600, categories: ["configuration"] });
  const [prefix, payload, sig] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  delete claims.cat;
  const forged = [prefix, Buffer.from(JSON.stringify(claims)).toString("base64url"), sig].join(".");
  await page.goto(`${base}/embed?token=${encodeURIComponent(forged)}`);
  await page.waitForSelector("#fatal:not([hidden])");
  assert.equal(await page.textContent("#fatal-title"), "This link is not valid");
  await shot("11-embed-altered");
});

await check("no script errors, CSP violations or external requests", async () => {
  assert.deepEqual(problems, []);
});

await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
