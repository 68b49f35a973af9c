// "Compare looks" on the Generate page: three short, low-resolution previews of the product in three templates
// (POST /api/looks; no credit, a few sets a day), shown side by side as they are made; picking one makes the
// full video from that very look (POST /api/looks/<id>/pick; one credit) and opens its job.

import { api, isAbort } from "./api.js";
import { banner, busy, fill, h, slot } from "./dom.js";
import { readOptions } from "./options.js";

const POLL_MS = 1000;

function lookCard(look, onPick) {
  return h("li", { class: "look-card", dataset: { template: look.template } },
    h("h3", { text: look.label }),
    look.ready
      ? h("video", { class: "look-player", src: look.video_url, poster: look.poster_url || false, controls: true, muted: true,
        loop: true, playsinline: true, preload: "metadata", "aria-label": `Preview of the ${look.label} look` })
      : h("div", { class: "look-player look-waiting" }, h("span", { text: "Making the preview…" })),
    h("button", { type: "button", class: "btn btn-primary", disabled: !look.ready, dataset: { action: "pick-look" },
      onclick: (e) => onPick(e.currentTarget, look), text: `Use ${look.label}` }));
}

export function compareLooks(section, form, { productId, canPick, ctx, signal }) {
  const card = slot(section, "looks-card");
  const list = slot(section, "looks");
  const status = slot(section, "looks-status");
  const bannerSlot = slot(section, "banner");
  let timer = null;
  let current = null;
  signal.addEventListener("abort", () => clearTimeout(timer));

  async function pick(button, look) {
    if (!canPick()) return;
    busy(button, true);
    try {
      const job = await api.post(`/looks/${current.id}/pick`, { template: look.template }, { signal });
      ctx.credits(true).catch(() => {});
      ctx.navigate(`#/jobs/${job.id}`);
    } catch (err) {
      if (isAbort(err)) return;
      busy(button, false);
      fill(bannerSlot, banner("critical", "The video could not be started", err.message));
    }
  }

  function render(set) {
    current = set;
    // Cards already showing a video are kept (their players keep playing); the rest are redrawn.
    const cards = set.looks.map((look) => {
      const shown = list.querySelector(`[data-template="${look.template}"]`);
      return shown && shown.querySelector("video") ? shown : lookCard(look, pick);
    });
    fill(list, cards);
    for (const button of list.querySelectorAll('[data-action="pick-look"]')) button.disabled = button.disabled || !canPick();
    const words = { queued: "Waiting to start", making: "Making the previews…", ready: "Pick the look you like", failed: "" };
    status.textContent = words[set.status] ?? "";
    if (set.status === "failed") fill(bannerSlot, banner("critical", "The previews could not be made", set.error_message));
  }

  async function poll() {
    try {
      const set = await api.get(`/looks/${current.id}`, { signal });
      render(set);
      if (set.status === "queued" || set.status === "making") timer = setTimeout(poll, POLL_MS);
    } catch (err) {
      if (!isAbort(err)) status.textContent = err.message;
    }
  }

  return async function start(button) {
    fill(bannerSlot);
    busy(button, true);
    try {
      const set = await api.post("/looks", { product_id: productId, ...readOptions(form) }, { signal });
      card.hidden = false;
      fill(list);
      render(set);
      clearTimeout(timer);
      timer = setTimeout(poll, POLL_MS);
      card.scrollIntoView({ block: "nearest" });
    } catch (err) {
      if (!isAbort(err)) fill(bannerSlot, banner(err.code === "looks_cap" ? "warning" : "critical", "Looks could not be compared", err.message));
    } finally {
      busy(button, false);
    }
  };
}
