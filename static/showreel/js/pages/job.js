// Job: live progress by stage (polled every second), the finished video, publish, edit, retry, cancel.

import { api, isAbort } from "../api.js";
import { $, banner, busy, fill, h, productName, progressBar, slot, STATUS, statusBadge, TERMINAL, toast, when } from "../dom.js";
import { resetInstruction, watchInstruction } from "../options.js";
import * as words from "../words.js";

const POLL_MS = 1000;
const BUILD = ["queued", "fetching", "composing", "rendering"];
const PUBLISH = ["uploading", "attaching", "processing"];
const STAGE_WORDS = {
  queued: "Waiting to start",
  fetching: "Fetching the product's photos",
  composing: "Planning shots, text and music",
  rendering: "Rendering the video",
  uploading: "Uploading to Shopify",
  attaching: "Adding the video to the product",
  processing: "Shopify is processing the video",
  ready: "Ready",
};

function stagesFor(job) {
  const publishing = job.published || PUBLISH.includes(job.status) || job.options?.auto_publish;
  return [...BUILD, ...(publishing ? PUBLISH : []), "ready"];
}

function stageList(job) {
  const stages = stagesFor(job);
  let at = job.status === "ready" ? stages.length : stages.indexOf(job.status);
  const stopped = job.status === "failed" || job.status === "cancelled";
  if (stopped) {
    // Stages with a timing finished; the first one without is where the job stopped.
    const timed = new Set(Object.keys(job.timings || {}));
    at = stages.findIndex((stage) => stage !== "queued" && !timed.has(stage));
  }
  return stages.map((stage, i) => {
    let state = i < at || (job.status === "ready" && stage === "ready") ? "done" : i === at ? "current" : "";
    if (stopped && i === at) state = job.status === "failed" ? "failed" : "";
    return h("li", { class: `stage ${state}`.trim(), dataset: { stage }, "aria-current": state === "current" ? "step" : false,
      text: STAGE_WORDS[stage] + (state === "failed" ? " (failed here)" : "") });
  });
}

// What the video is made with, in a merchant's words (the API's `made_with`: the instruction applied, the
// music track actually used), then what was asked.
function facts(job) {
  const made = job.made_with || {};
  const options = job.options || {};
  const changes = (job.interpretation?.understood || []).map((entry) => words.understood(entry).words);
  const text = [["show_title", "title"], ["show_price", "price"], ["show_badge", "sale badge"], ["show_cta", "call to action"]]
    .filter(([key]) => options[key] !== false).map(([, label]) => label);
  const rows = [
    ["Template", made.template_label || made.template],
    ["Shape", words.shape(made.aspect)],
    ["Length", words.seconds(made.duration)],
    ["Music", words.music(made.music)],
    ["Text", text.length ? words.sentence(text.join(", ")) : "No text"],
    ["Instruction", job.instruction],
    ["Changes asked for", changes.join(" · ")],
    ["Started", when(job.created_at)],
  ];
  return rows.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { dataset: { fact: k.toLowerCase() }, text: String(v) })]);
}

const STUCK_S = 60; // a job still waiting after this long gets a warning and the choice to cancel
const DEFAULT_WAIT = "Waiting for a free worker"; // the usual wait; other reasons (a queue, a weekly cap) are shown

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const id = params[0];
  const player = slot(section, "player");
  const cancelButton = $(section, '[data-action="cancel"]');
  const publishButton = $(section, '[data-action="publish"]');
  const editForm = $(section, '[data-form="edit"]');
  const bannerSlot = slot(section, "banner");
  let timer = null;
  let job = null;
  let failures = 0;

  fill(bannerSlot);
  slot(section, "loading").hidden = false;
  slot(section, "body").hidden = true;
  slot(section, "player-card").hidden = true;
  delete player.dataset.src;
  player.removeAttribute("src");
  player.removeAttribute("poster");
  player.load();
  resetInstruction(editForm);
  $(section, "h1").textContent = "Loading…";
  fill(slot(section, "status"));

  function render(next) {
    // A job that ends (ready, failed, cancelled) has moved its credit: the figures shown are refreshed.
    if (job && String(job.id) === String(next.id) && !TERMINAL.has(job.status) && TERMINAL.has(next.status)) {
      ctx.credits(true).catch(() => {});
    }
    job = next;
    slot(section, "loading").hidden = true;
    slot(section, "body").hidden = false;
    $(section, "h1").textContent = productName(job);
    fill(slot(section, "status"), statusBadge(job.status));
    const terminal = TERMINAL.has(job.status);
    const ready = job.status === "ready";
    const tone = ready ? "success" : job.status === "failed" ? "critical" : "";
    const percent = progressBar($(section, '[role="progressbar"]'), ready ? 100 : job.progress, tone);
    slot(section, "percent").textContent = `${percent}%`;
    const label = job.status === "queued" ? STATUS.queued[0] : job.stage_label || STATUS[job.status]?.[0] || job.status;
    const reason = job.status === "queued" && job.stage_label !== DEFAULT_WAIT && job.stage_label !== "Waiting to start" ? job.stage_label : "";
    slot(section, "wait-reason").textContent = reason;
    slot(section, "wait-reason").hidden = !reason;
    const live = slot(section, "stage-label"); // a live region: only touched when the words change
    if (live.textContent !== label) live.textContent = label;
    fill(slot(section, "stages"), stageList(job));
    slot(section, "progress-card").hidden = terminal && job.status !== "failed";
    cancelButton.hidden = terminal;

    if (job.status === "failed") {
      fill(bannerSlot, banner("critical", "This video could not be made", job.error_message || "Something went wrong.", [
        h("button", { type: "button", class: "btn", dataset: { action: "retry" }, onclick: (e) => retry(e.currentTarget), text: "Retry" }),
      ]));
    } else if (job.status === "cancelled") {
      fill(bannerSlot, banner("warning", "Cancelled", "This video was cancelled before it finished; its credit was returned.", [
        h("button", { type: "button", class: "btn", dataset: { action: "retry" }, onclick: (e) => retry(e.currentTarget), text: "Start again" }),
      ]));
    } else if (job.replaced_by) {
      fill(bannerSlot, banner("info", "A newer video replaced this one", "The product page shows a newer video of this product, so this one can't be published.", [
        h("a", { class: "btn", href: `#/jobs/${job.replaced_by}`, text: "View the newer video" }),
      ]));
    } else if (job.status === "queued" && job.waiting_s >= STUCK_S) {
      fill(bannerSlot, banner("warning", "This video hasn't started yet", `It has been waiting for ${Math.round(job.waiting_s / 60)} minute${job.waiting_s < 90 ? "" : "s"}. Keep waiting, or cancel it and get your credit back.`, [
        h("button", { type: "button", class: "btn", dataset: { action: "cancel-waiting" }, onclick: () => confirmCancel(), text: "Cancel video" }),
      ]));
    } else {
      fill(bannerSlot);
    }

    // Stored-file links are signed per response, so the URL changes on every poll: load the video once.
    const hasVideo = Boolean(job.video_url);
    slot(section, "player-card").hidden = !hasVideo;
    if (hasVideo && !player.dataset.src) {
      player.dataset.src = job.video_url;
      if (job.poster_url) player.poster = job.poster_url;
      player.src = job.video_url;
      slot(section, "download").href = job.video_url;
    }
    slot(section, "publish-card").hidden = !ready && !PUBLISH.includes(job.status);
    publishButton.hidden = job.published || !ready || Boolean(job.replaced_by);
    slot(section, "publish-state").textContent = job.replaced_by
      ? "Replaced: a newer video is on the product page."
      : job.published ? "Published: the video is on the product page."
        : ready ? "Not on the product page yet." : "Publishing…";
    slot(section, "edit-card").hidden = !ready;
    fill(slot(section, "facts"), facts(job));
  }

  async function poll() {
    try {
      render(await api.get(`/jobs/${encodeURIComponent(id)}`, { signal }));
      failures = 0;
    } catch (err) {
      if (isAbort(err)) return;
      failures += 1;
      if (!job || err.status === 404 || failures >= 5) {
        slot(section, "loading").hidden = true;
        if (!job) $(section, "h1").textContent = "Video";
        fill(bannerSlot, banner("critical", "Could not load this video", err.message, [
          h("button", { type: "button", class: "btn", onclick: () => { failures = 0; fill(bannerSlot); schedule(0); }, text: "Try again" }),
        ]));
        return;
      }
    }
    if (!job || !TERMINAL.has(job.status)) schedule(POLL_MS);
  }
  function schedule(ms) {
    clearTimeout(timer);
    if (!signal.aborted) timer = setTimeout(poll, ms);
  }
  signal.addEventListener("abort", () => clearTimeout(timer));

  async function act(button, path, body, { navigateToNew = false } = {}) {
    busy(button, true);
    try {
      const next = await api.post(`/jobs/${encodeURIComponent(id)}/${path}`, body, { signal });
      if (navigateToNew && next?.id && String(next.id) !== String(id)) {
        ctx.navigate(`#/jobs/${next.id}`);
        return next;
      }
      if (next?.id) render(next);
      schedule(POLL_MS);
      return next;
    } catch (err) {
      if (!isAbort(err)) toast(err.message, { error: true });
      return null;
    } finally {
      busy(button, false);
    }
  }
  const retry = (button) => act(button, "retry", undefined, { navigateToNew: true }).then((n) => n && ctx.credits(true).catch(() => {}));

  // Cancelling is confirmed first (the merchant may have pressed it by mistake); the credit comes back.
  const dialog = slot(section, "cancel-dialog");
  function confirmCancel() {
    dialog.returnValue = "";
    if (typeof dialog.showModal === "function") dialog.showModal();
    else if (window.confirm("Cancel this video? Your credit is returned.")) doCancel();
  }
  async function doCancel() {
    const next = await act(cancelButton, "cancel");
    if (next) toast("Video cancelled; your credit is back");
  }
  dialog.addEventListener("close", () => { if (dialog.returnValue === "cancel-video") doCancel(); }, { signal });
  cancelButton.addEventListener("click", confirmCancel, { signal });
  publishButton.addEventListener("click", async () => {
    const next = await act(publishButton, "publish");
    if (next) toast(next.published ? "Published to the product" : "Publishing to the product…");
  }, { signal });
  watchInstruction($(editForm, "[data-instruction]"), { signal });
  editForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const instruction = $(editForm, "textarea").value.trim();
    if (!instruction) {
      toast("Describe what should change first.", { error: true });
      $(editForm, "textarea").focus();
      return;
    }
    await act($(editForm, '[data-action="edit"]'), "edit", { instruction }, { navigateToNew: true });
  }, { signal });

  poll();
}
