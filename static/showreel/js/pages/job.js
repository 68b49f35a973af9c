// Job: live progress by stage (polled every second), the finished video, publish, edit, retry, cancel.

import { api, isAbort } from "../api.js";
import { $, banner, busy, fill, h, progressBar, slot, STATUS, statusBadge, TERMINAL, toast, when } from "../dom.js";
import { resetInstruction, watchInstruction } from "../options.js";

const POLL_MS = 1000;
const BUILD = ["queued", "fetching", "composing", "rendering"];
const PUBLISH = ["uploading", "attaching", "processing"];
const STAGE_WORDS = {
  queued: "Waiting for a free renderer",
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

const title = (word) => (word ? String(word).charAt(0).toUpperCase() + String(word).slice(1) : "");
const MUSIC_WORDS = { auto: "Match the template", none: "No music" };

function facts(job) {
  const options = job.options || {};
  const understood = job.interpretation?.understood || [];
  const rows = [
    ["Template", title(options.template)],
    ["Shape", options.aspect],
    ["Length", options.duration ? `${options.duration} s` : ""],
    ["Music", MUSIC_WORDS[options.music] || title(options.music)],
    ["Instruction", job.instruction],
    ["Changes asked for", understood.join(" · ")],
    ["Started", when(job.created_at)],
  ];
  const timings = Object.entries(job.timings || {}).map(([stage, s]) => `${STATUS[stage]?.[0] || stage} ${Number(s).toFixed(1)} s`);
  if (timings.length) rows.push(["Timings", timings.join(" · ")]);
  return rows.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: String(v) })]);
}

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
  $(section, "h1").textContent = "Video";
  fill(slot(section, "status"));

  function render(next) {
    job = next;
    slot(section, "loading").hidden = true;
    slot(section, "body").hidden = false;
    $(section, "h1").textContent = job.product_title || "Video";
    fill(slot(section, "status"), statusBadge(job.status));
    const terminal = TERMINAL.has(job.status);
    const ready = job.status === "ready";
    const tone = ready ? "success" : job.status === "failed" ? "critical" : "";
    const percent = progressBar($(section, '[role="progressbar"]'), ready ? 100 : job.progress, tone);
    slot(section, "percent").textContent = `${percent}%`;
    const label = job.stage_label || STATUS[job.status]?.[0] || job.status;
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
      fill(bannerSlot, banner("warning", "Cancelled", "This video was cancelled before it finished.", [
        h("button", { type: "button", class: "btn", dataset: { action: "retry" }, onclick: (e) => retry(e.currentTarget), text: "Start again" }),
      ]));
    } else if (!bannerSlot.querySelector(".banner-success")) {
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
    publishButton.hidden = job.published || !ready;
    slot(section, "publish-state").textContent = job.published
      ? "Published: the video is on the product page."
      : ready ? "Not on the product page yet." : "Publishing…";
    editForm.hidden = !ready;
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

  cancelButton.addEventListener("click", () => act(cancelButton, "cancel"), { signal });
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
