// Boot and routing. Each view is a server-rendered <section data-view>; the URL hash picks one, so the
// query string Shopify signed (shop, host, hmac...) is never touched while the merchant moves around.
//   #/  #/generate/<product>  #/jobs/<id>  #/bulk?ids=1,2  #/batches/<id>  #/settings

import { api, sessionToken } from "./api.js";
import { badge, banner, fill, h, productNumber, slot } from "./dom.js";
import * as batch from "./pages/batch.js";
import * as bulk from "./pages/bulk.js";
import * as generate from "./pages/generate.js";
import * as home from "./pages/home.js";
import * as job from "./pages/job.js";
import * as settings from "./pages/settings.js";
import { creditsLeft } from "./words.js";

const ROUTES = [
  [/^\/?$/, "home", home],
  [/^\/generate\/(\d+)$/, "generate", generate],
  [/^\/jobs\/([\w-]+)$/, "job", job],
  [/^\/bulk$/, "bulk", bulk],
  [/^\/batches\/([\w-]+)$/, "batch", batch],
  [/^\/settings$/, "settings", settings],
];

const initialProductIds = JSON.parse(document.getElementById("initial-product-ids")?.textContent || "[]");
let current = null; // {controller}
let creditsPromise = null;

// Credits are shown in the top bar and on the generate pages; refreshed after anything that spends them.
function credits(refresh = false) {
  if (!creditsPromise || refresh) {
    creditsPromise = api.get("/credits");
    creditsPromise.then(showCredits, () => { creditsPromise = null; });
  }
  return creditsPromise;
}

function showCredits(c) {
  fill(slot(document, "credits-badge"), badge(`Credits: ${creditsLeft(c)}`, c.available > 0 ? "info" : "critical"));
  document.dispatchEvent(new CustomEvent("showreel:credits", { detail: c }));
}

// Inside the admin, App Bridge draws the navigation (s-app-nav) and the title bar (s-page's heading and primary
// action); without it the page's own bar and headers stay. The title bar mirrors the visible view's <h1> and
// its [data-primary] button, so each view keeps one source of truth that works either way.
const appBridge = Boolean(window.shopify);
document.documentElement.classList.toggle("app-bridge", appBridge);
let mirror = null;

function mirrorTitle(section) {
  mirror?.disconnect();
  const page = slot(document, "page");
  const action = slot(document, "title-action");
  const heading = section.querySelector("h1");
  const primary = section.querySelector("[data-primary]");
  const sync = () => {
    const title = heading?.textContent.trim() || "Showreel";
    page.setAttribute("heading", title);
    document.title = `${title} · Showreel`;
    action.hidden = !primary || primary.hidden;
    if (primary) {
      action.textContent = primary.textContent.trim();
      action.toggleAttribute("disabled", primary.disabled);
    }
  };
  mirror = new MutationObserver(sync);
  for (const el of [heading, primary].filter(Boolean)) {
    mirror.observe(el, { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ["disabled", "hidden"] });
  }
  action.onclick = () => primary?.click();
  sync();
}

function parseHash() {
  const raw = decodeURIComponent(location.hash.replace(/^#/, "")) || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: new URLSearchParams(search) };
}

function initialHash() {
  const page = document.body.dataset.page;
  if (page === "generate" && initialProductIds.length) return `#/generate/${productNumber(initialProductIds[0])}`;
  if (page === "bulk") return "#/bulk";
  return "#/";
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// A view with unsaved changes (Settings) may keep the merchant on it: the guard answers whether to leave.
let leaveGuard = null;
let shownHash = null;
const setLeaveGuard = (guard) => { leaveGuard = guard; };

function route() {
  if (leaveGuard && location.hash !== shownHash && !leaveGuard()) {
    history.replaceState(null, "", shownHash || "#/"); // stay: the changes are still on the page
    return;
  }
  leaveGuard = null;
  shownHash = location.hash;
  const { path, query } = parseHash();
  const match = ROUTES.map(([re, name, module]) => [path.match(re), name, module]).find(([m]) => m);
  current?.controller.abort();
  const controller = new AbortController();
  current = { controller };
  for (const section of document.querySelectorAll("section[data-view]")) section.hidden = true;
  if (!match) {
    fill(slot(document, "app-banner"), banner("warning", "Page not found", "That page doesn't exist.",
      [h("a", { class: "btn", href: "#/", text: "Go to products" })]));
    return;
  }
  fill(slot(document, "app-banner"));
  const [m, name, module] = match;
  const section = document.querySelector(`[data-view="${name}"]`);
  section.hidden = false;
  const tab = name === "settings" ? "settings" : "home";
  for (const link of document.querySelectorAll("[data-tab]")) {
    if (link.dataset.tab === tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const params = Object.assign(m.slice(1), { query });
  module.mount(section, params, { signal: controller.signal, navigate, credits, initialProductIds, setLeaveGuard });
  mirrorTitle(section);
  document.body.dataset.currentView = name;
  // Move focus to the new page's heading (screen readers announce it) unless this is the first load.
  if (route.started) section.querySelector("h1")?.focus({ preventScroll: false });
  route.started = true;
}

async function boot() {
  try {
    await sessionToken();
  } catch (err) {
    fill(slot(document, "app-banner"), banner("critical", "Showreel could not sign in", err.message));
    return;
  }
  if (!location.hash) history.replaceState(null, "", initialHash());
  window.addEventListener("hashchange", route);
  route();
  credits().catch(() => {});
}

boot();
