// Small DOM helpers. Text always goes in through textContent (never innerHTML), so product titles,
// error messages and instructions can't inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (root, selector) => root.querySelector(selector);
export const $$ = (root, selector) => Array.from(root.querySelectorAll(selector));
export const slot = (root, name) => root.querySelector(`[data-slot="${name}"]`);

export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function skeleton(label = "Loading") {
  return h("div", { class: "skeleton", "aria-label": label }, h("span"), h("span"), h("span"));
}

// Polaris's s-banner (tones: info, success, warning, critical); components.css draws it when the components' script
// has not loaded. Warnings and errors are alerts, the rest a status.
export function banner(tone, title, body, actions = []) {
  const role = tone === "critical" || tone === "warning" ? "alert" : "status";
  return h(
    "s-banner",
    { tone, role },
    title ? h("p", { class: "banner-title", text: title }) : null,
    body ? h("p", { text: body }) : null,
    actions.length ? h("div", { class: "banner-actions" }, actions) : null,
  );
}

// Polaris's s-badge; "attention" is Polaris's "caution".
export function badge(text, tone = "", attrs = {}) {
  const tones = { attention: "caution", "": "neutral" };
  return h("s-badge", { tone: tones[tone] ?? tone, ...attrs, text });
}

export function errorState(err, retry) {
  const actions = retry ? [h("button", { type: "button", class: "btn", onclick: retry, text: "Try again" })] : [];
  return banner("critical", "Something went wrong", err?.message || String(err), actions);
}

export function emptyState(title, body, action = null) {
  return h("div", { class: "empty" }, h("h2", { text: title }), body ? h("p", { text: body }) : null, action);
}

// Job statuses from the API (api.md) -> the words and badge tone a merchant sees.
export const STATUS = {
  queued: ["Waiting to start", "info"],
  fetching: ["Fetching photos", "info"],
  composing: ["Planning", "info"],
  rendering: ["Rendering", "info"],
  uploading: ["Uploading", "info"],
  attaching: ["Adding to product", "info"],
  processing: ["Shopify is processing", "attention"],
  ready: ["Ready", "success"],
  failed: ["Failed", "critical"],
  cancelled: ["Cancelled", ""],
};
export const TERMINAL = new Set(["ready", "failed", "cancelled"]);

export function statusBadge(status) {
  const [label, tone] = STATUS[status] || [status, ""];
  return badge(label, tone, { dataset: { status }, class: "badge-dot" });
}

export function progressBar(el, percent, tone = "") {
  const value = Math.max(0, Math.min(100, Math.round(Number(percent) || 0)));
  el.setAttribute("aria-valuenow", String(value));
  el.className = `progress${tone ? ` progress-${tone}` : ""}`;
  el.firstElementChild.style.width = `${value}%`;
  return value;
}

export function newProgressBar(label, percent = 0) {
  const el = h("div", { class: "progress", role: "progressbar", "aria-label": label, "aria-valuemin": 0, "aria-valuemax": 100 },
    h("span"));
  progressBar(el, percent);
  return el;
}

export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "";
  const value = Number(amount);
  if (!currency || Number.isNaN(value)) return String(amount);
  try {
    return new Intl.NumberFormat(document.documentElement.lang || "en", { style: "currency", currency }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

// A job's product as lists show it: the title stored when the job was made, never a bare id.
export const productName = (job) => job?.product_title || `Product ${productNumber(job?.product_id || "")}`;

// "gid://shopify/Product/123" <-> "123" (hash routes carry the short form).
export const productNumber = (gid) => String(gid).split("/").pop();
export const productGid = (number) => `gid://shopify/Product/${number}`;

export function debounce(fn, ms) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

export function busy(button, on) {
  if (!button) return;
  button.disabled = on;
  if (on) button.setAttribute("aria-busy", "true");
  else button.removeAttribute("aria-busy");
}

export function toast(message, { error = false } = {}) {
  if (window.shopify?.toast?.show) {
    window.shopify.toast.show(message, { isError: error });
    return;
  }
  const region = document.querySelector('[data-slot="toasts"]');
  const el = h("div", { class: `toast${error ? " toast-critical" : ""}`, text: message });
  region.append(el);
  setTimeout(() => el.remove(), 4000);
}
