// Batch progress: overall bar, counts by status and one row per product, polled until all are done.

import { api, isAbort } from "../api.js";
import { $, banner, busy, fill, h, newProgressBar, productName, progressBar, slot, STATUS, statusBadge, TERMINAL, toast } from "../dom.js";

const POLL_MS = 1000;

function jobRow(job, retry) {
  const tone = job.status === "ready" ? "success" : job.status === "failed" ? "critical" : "";
  const name = productName(job);
  const bar = newProgressBar(`Progress of ${name}`, job.status === "ready" ? 100 : job.progress);
  progressBar(bar, job.status === "ready" ? 100 : job.progress, tone);
  return h("li", { class: "batch-row", dataset: { jobId: job.id, status: job.status } },
    h("div", { class: "row", style: "flex-wrap:nowrap;min-width:0" },
      job.product_image_url ? h("img", { class: "thumb thumb-sm", src: job.product_image_url, alt: "" }) : h("span", { class: "thumb thumb-sm", "aria-hidden": "true" }),
      h("a", { href: `#/jobs/${job.id}`, class: "product-title", text: name })),
    bar,
    h("div", { class: "row" },
      statusBadge(job.status),
      job.status === "failed"
        ? h("button", { type: "button", class: "btn", "aria-label": `Retry ${name}`,
          onclick: (e) => retry(e.currentTarget, job), text: "Retry" })
        : null),
    job.status === "failed" && job.error_message ? h("p", { class: "error", text: job.error_message }) : null);
}

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const id = params[0];
  const bannerSlot = slot(section, "banner");
  const list = slot(section, "jobs");
  let timer = null;
  let loaded = false;
  fill(bannerSlot);
  fill(slot(section, "counts"));
  delete slot(section, "counts").dataset.key;
  slot(section, "summary").textContent = "";
  fill(list, h("li", {}, h("div", { class: "skeleton", "aria-label": "Loading" }, h("span"), h("span"))));

  async function retry(button, job) {
    busy(button, true);
    try {
      await api.post(`/jobs/${encodeURIComponent(job.id)}/retry`, undefined, { signal });
      ctx.credits(true).catch(() => {});
      schedule(0);
    } catch (err) {
      if (!isAbort(err)) toast(err.message, { error: true });
      busy(button, false);
    }
  }

  function render(batch) {
    loaded = true;
    const jobs = batch.jobs || [];
    const done = jobs.filter((j) => TERMINAL.has(j.status)).length;
    $(section, "h1").textContent = `Videos for ${batch.total ?? jobs.length} product${(batch.total ?? jobs.length) === 1 ? "" : "s"}`;
    slot(section, "summary").textContent = `${done} of ${jobs.length} finished`;
    const failed = batch.counts?.failed || 0;
    const percent = progressBar($(section, '[aria-label="Batch progress"]'), batch.progress, failed ? "" : done === jobs.length && jobs.length ? "success" : "");
    slot(section, "percent").textContent = `${percent}%`;
    const counts = slot(section, "counts"); // a live region: refilled only when the counts change
    const key = JSON.stringify(batch.counts || {});
    if (counts.dataset.key !== key) {
      counts.dataset.key = key;
      fill(counts, Object.entries(batch.counts || {}).filter(([, n]) => n > 0).map(([status, n]) => {
        const badge = statusBadge(status);
        badge.textContent = `${n} ${STATUS[status]?.[0].toLowerCase() || status}`;
        return badge;
      }));
    }
    fill(list, jobs.map((job) => jobRow(job, retry)));
    if (done === jobs.length && jobs.length) {
      fill(bannerSlot, failed
        ? banner("warning", `${failed} of ${jobs.length} videos could not be made`, "Each failed row says why; retry it when the cause is fixed.")
        : banner("success", "All videos are ready", null));
    } else {
      fill(bannerSlot);
    }
    return done === jobs.length && jobs.length > 0;
  }

  let ended = 0; // finished jobs seen so far: each one that ends moves a credit, so the figures are refreshed
  async function poll() {
    let finished = false;
    try {
      const batch = await api.get(`/batches/${encodeURIComponent(id)}`, { signal });
      finished = render(batch);
      const nowEnded = (batch.jobs || []).filter((j) => TERMINAL.has(j.status)).length;
      if (nowEnded !== ended) ctx.credits(true).catch(() => {});
      ended = nowEnded;
    } catch (err) {
      if (isAbort(err)) return;
      if (!loaded || err.status === 404) {
        fill(list);
        fill(bannerSlot, banner("critical", "Could not load this batch", err.message, [
          h("button", { type: "button", class: "btn", onclick: () => schedule(0), text: "Try again" }),
        ]));
        return;
      }
    }
    if (!finished) schedule(POLL_MS);
  }
  function schedule(ms) {
    clearTimeout(timer);
    if (!signal.aborted) timer = setTimeout(poll, ms);
  }
  signal.addEventListener("abort", () => clearTimeout(timer));
  poll();
}
