// Browser test of the live console, in Debian's headless Chromium driven by playwright-core (no browser download).
//
//   node console.spec.mjs <router base url> [screenshot directory]
//
// Started by tests/Router.Host.Tests/WebConsole/ConsoleBrowserTests.cs against a real router with
// router.console.enabled = true and no auth (open, on loopback). Prints one "ok - step" line per step, and
// "await-shutdown" when it wants the router to begin stopping (the xunit side then stops it). Exit code 0 when
// every step passed, 1 otherwise (the failing step is printed, with a screenshot of the page at that moment).

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, artifacts = join(process.cwd(), "TestResults", "console")] = process.argv.slice(2);
if (!base) {
  console.error("usage: node console.spec.mjs <router base url> [screenshot directory]");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TIMEOUT = 10_000;
mkdirSync(artifacts, { recursive: true });
for (const old of readdirSync(artifacts).filter((f) => f.endsWith(".png"))) rmSync(join(artifacts, old));

// A fresh profile every run; playwright passes it to Chromium as --user-data-dir (it refuses that flag in args).
const profile = mkdtempSync(join(tmpdir(), "router-console-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  timeout: 60_000,
  viewport: { width: 1400, height: 900 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const page = browser.pages()[0] ?? await browser.newPage();
page.setDefaultTimeout(TIMEOUT);
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(e.message));
// Chromium logs every 4xx/5xx answer; the steps provoke those on purpose. Anything else logged as an error fails.
page.on("console", (m) => m.type() === "error" && !/^Failed to load resource: .* status of (400|401|403|503)/.test(m.text()) && pageErrors.push(m.text()));
const posts = [];
page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const text = (selector) => page.locator(selector).innerText();
const eventRow = (position) => page.locator(`#tail tr.event[data-position="${position}"]`);
const notice = (fragment) => page.locator("#tail tr.notice", { hasText: fragment });

/** Polls an element's text until the predicate holds (counters refresh once a second). */
async function untilText(selector, predicate, what) {
  const deadline = Date.now() + TIMEOUT;
  let value = null;
  while (Date.now() < deadline) {
    value = await page.locator(selector).textContent({ timeout: TIMEOUT }).catch(() => null);
    if (value !== null && predicate(value)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${what}: ${selector} is "${value}" after ${TIMEOUT} ms`);
}

async function publishFromForm({ type = "question.created.v1", queue = "town-hall", data }) {
  await page.fill("#pub-type", type);
  await page.fill("#pub-queue", queue);
  await page.fill("#pub-data", data);
  await page.click("#publish");
}

async function committedAt(position) {
  await page.locator("#publish-result.ok", { hasText: `Committed at position ${position}.` }).waitFor();
}

let failed = false;
async function step(name, body) {
  if (failed) return;
  try {
    await body();
    assert.deepEqual(pageErrors, [], "errors in the page");
    console.log(`ok - ${name}`);
  } catch (e) {
    failed = true;
    console.log(`not ok - ${name}: ${e.message}`);
    await shot(`failed-${name.replace(/\W+/g, "-")}`).catch(() => {});
  }
}

try {
  await step("page opens, not connected", async () => {
    const response = await page.goto(new URL("/console/", base).href);
    assert.equal(response.status(), 200);
    assert.equal(await page.title(), "Router console");
    assert.equal(await text("#status"), "not connected");
    assert.match(await text("#token-info"), /No token/);
    await shot("01-open");
  });

  await step("connect to a tenant and queue", async () => {
    await page.fill("#tenant", "acme");
    await page.fill("#queues", "town-hall");
    await page.click("#connect");
    await notice("Connected to acme (queues town-hall), live from head 0.").waitFor();
    assert.equal(await page.getAttribute("#status", "data-state"), "open");
    await untilText("#c-tenant-connections", (t) => t === "1", "tenant connections");
    await untilText('#queue-counters tr[data-queue="town-hall"] td.connections', (t) => t === "1", "queue connections");
  });

  await step("publish from the form, see it in the tail", async () => {
    await publishFromForm({ data: '{"text": "Hello from the browser test"}' });
    await committedAt(1);
    const row = eventRow(1);
    await row.waitFor();
    assert.equal(await row.locator("td.type").innerText(), "question.created.v1");
    assert.equal(await row.locator("td.queue").innerText(), "town-hall");
    assert.equal(await row.locator("td.payload").innerText(), '{"text":"Hello from the browser test"}');
    await shot("02-published");
  });

  await step("counters move: received, head, events/s, node rate, chart", async () => {
    for (let i = 2; i <= 5; i++) {
      await publishFromForm({ type: i % 2 ? "question.created.v1" : "answer.posted.v1", data: `{"n": ${i}}` });
      await committedAt(i);
    }
    await eventRow(5).waitFor();
    await untilText("#c-received", (t) => t === "5", "received");
    await untilText("#c-head", (t) => t === "5", "tenant head");
    await untilText('#queue-counters tr[data-queue="town-hall"] td.head', (t) => t === "5", "queue head");
    await untilText("#c-rate", (t) => Number(t) > 0, "events/s");
    await untilText("#c-node-rate", (t) => Number(t) > 0, "node published/s");
    await page.waitForFunction(() => Number(document.getElementById("chart").dataset.peak) >= 1);
    await shot("03-counters");
  });

  await step("invalid JSON is refused without a request", async () => {
    const before = posts.length;
    await page.fill("#pub-data", '{"text": "unterminated');
    assert.match(await text("#pub-data-check"), /Not valid JSON/);
    await page.click("#publish");
    await page.locator("#publish-result.error", { hasText: "Not sent: the data is not valid JSON." }).waitFor();
    assert.equal(await page.getAttribute("#pub-data", "aria-invalid"), "true");
    assert.equal(posts.length, before, "a request was sent");
    await shot("04-invalid-json");
  });

  await step("a refused publish shows the problem details and marks the field", async () => {
    await publishFromForm({ type: "Question.Created", data: "{}" });
    const result = page.locator("#publish-result.error", { hasText: "400 Invalid request" });
    await result.waitFor();
    assert.match(await result.innerText(), /field type/);
    assert.equal(await page.getAttribute("#pub-type", "aria-invalid"), "true");
    await shot("05-problem");
  });

  await step("filter by type and pause", async () => {
    await page.fill("#filter", "answer.*");
    await untilText("#tail-info", (t) => t.startsWith("2 of 5 events shown"), "filtered");
    assert.equal(await eventRow(1).isHidden(), true);
    assert.equal(await eventRow(2).isVisible(), true);
    await page.fill("#filter", "");
    await untilText("#tail-info", (t) => t.startsWith("5 of 5 events shown"), "unfiltered");

    await page.click("#pause");
    await publishFromForm({ data: '{"while": "paused"}' });
    await committedAt(6);
    await untilText("#pause", (t) => t === "Resume (1 new)", "pause button");
    assert.equal(await eventRow(6).count(), 0, "a paused tail showed a new event");
    await page.click("#pause");
    await eventRow(6).waitFor();
  });

  await step("disconnect, publish, connect again: resumed from the last position, nothing missed", async () => {
    await page.click("#disconnect");
    await notice("Disconnected at position 6.").waitFor();
    assert.equal(await page.inputValue("#from"), "6");
    await untilText("#c-tenant-connections", (t) => t === "0", "connections after disconnect");
    await publishFromForm({ data: '{"missed": true}' });
    await committedAt(7);
    await page.click("#connect");
    await notice("Resumed from 6 (head 7)").waitFor();
    await eventRow(7).waitFor();
    assert.equal(await page.locator("#tail tr.event").count(), 7);
    await untilText("#c-tenant-connections", (t) => t === "1", "connections after resume");
    await shot("06-resumed");
  });

  await step("reconnect button resumes from the newest position", async () => {
    await page.click("#reconnect");
    await notice("Resumed from 7 (head 7)").waitFor();
    assert.equal(await page.locator("#tail tr.event").count(), 7, "an event was repeated");
  });

  await step("a position the tenant does not have gets a reset notice", async () => {
    await page.click("#disconnect");
    await page.fill("#from", "999");
    await page.click("#connect");
    await notice("Reset: unknown-position").waitFor();
    await shot("07-reset");
    // The stream went on from the head, so the client resumes from there, not from 999 again.
    const reconnects = notice("Reconnecting from position 7.");
    const before = await reconnects.count();
    await page.click("#reconnect");
    await reconnects.nth(before).waitFor();
  });

  await step("a pasted token is kept in the tab and sent as access_token and Bearer", async () => {
    const fakeToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsInJvdXRlciI6eyJwdWJsaXNoIjpbImFjbWUvKiJdLCJzdWJzY3JpYmUiOlsiYWNtZS8qIl19fQ.c2ln";
    const problem = (status, title, detail) => ({
      status, contentType: "application/problem+json", body: JSON.stringify({ status, title, detail }),
    });
    const streams = [];
    let authorization = null;
    // The router under test runs open; the answers of a router with auth are played by the page's network layer.
    await page.route("**/stream?**", (route) => {
      streams.push(route.request().url());
      return route.fulfill(problem(401, "Unauthorized", "The token is not valid."));
    });
    await page.route("**/v1/tenants/acme/events", (route) => {
      authorization = route.request().headers().authorization ?? null;
      return route.fulfill(problem(403, "Forbidden", "The token may not publish to acme/town-hall."));
    });

    await page.click("#disconnect");
    await page.fill("#token", fakeToken);
    assert.match(await text("#token-info"), /sub alice · publish acme\/\* · subscribe acme\/\*/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("router.console.token")), fakeToken);
    await page.fill("#queues", "town-hall, backstage");
    await page.fill("#from", "");
    await page.click("#connect");
    await notice("Stream refused: 401 Unauthorized: The token is not valid.").waitFor();
    assert.equal(await page.getAttribute("#status", "data-state"), "refused");
    const url = new URL(streams[0]);
    assert.equal(url.pathname, "/v1/tenants/acme/stream");
    assert.deepEqual(url.searchParams.getAll("queue"), ["town-hall", "backstage"]);
    assert.equal(url.searchParams.get("access_token"), fakeToken);

    await publishFromForm({ data: "{}" });
    await page.locator("#publish-result.error", { hasText: "403 Forbidden" }).waitFor();
    assert.equal(authorization, `Bearer ${fakeToken}`);
    await shot("08-token-refused");

    await page.unrouteAll({ behavior: "wait" });
    await page.fill("#token", "");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("router.console.token")), "");
  });

  await step("server shutdown is shown, then the client waits and retries", async () => {
    await page.fill("#queues", "town-hall");
    await page.click("#connect");
    await notice("Connected to acme (queues town-hall), live from head 7.").waitFor();
    console.log("await-shutdown");
    await notice("Server shutdown (server-shutdown)").waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => document.getElementById("status").dataset.state === "unavailable", null, { timeout: 20_000 });
    await shot("09-shutdown");
  });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(failed ? "console tests failed" : "console tests passed");
process.exit(failed ? 1 : 0);
