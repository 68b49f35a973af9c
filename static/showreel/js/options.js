// The video options form (templates with stills, shape, length, music with previews, text switches) and
// the free-text instruction box with what was understood shown back. Shared by Generate and Bulk.

import { api, isAbort, listOf } from "./api.js";
import { $, $$, banner, busy, debounce, errorState, fill, h, slot } from "./dom.js";

const cache = new Map();

// Templates, music and settings change rarely: fetch each once per page load.
export function cached(path, key) {
  if (!cache.has(path)) {
    const promise = api.get(path).then((data) => (key ? listOf(data, key) : data));
    promise.catch(() => cache.delete(path));
    cache.set(path, promise);
  }
  return cache.get(path);
}
export const forget = (path) => cache.delete(path);

let audio = null; // one preview plays at a time
function togglePreview(button, url, label) {
  if (!audio) audio = new Audio();
  const playing = button.getAttribute("aria-pressed") === "true";
  for (const other of document.querySelectorAll('.play-btn[aria-pressed="true"]')) {
    other.setAttribute("aria-pressed", "false");
    other.textContent = "▶";
    other.setAttribute("aria-label", `Play ${other.dataset.label}`);
  }
  audio.pause();
  if (playing) return;
  audio.src = url;
  audio.onended = () => togglePreview(button, url, label);
  audio.play().catch(() => {});
  button.setAttribute("aria-pressed", "true");
  button.textContent = "❚❚";
  button.setAttribute("aria-label", `Pause ${label}`);
}
export function stopPreview() {
  audio?.pause();
}

function templateCard(template, checked) {
  const still = template.still_url
    ? h("img", { src: template.still_url, alt: "", loading: "lazy", onerror: (e) => e.target.replaceWith(h("span", { class: "still-missing", text: template.label })) })
    : h("span", { class: "still-missing", text: template.label });
  return h("label", { class: "template-card" },
    h("input", { type: "radio", name: "template", value: template.name, checked }),
    still,
    h("span", { class: "name", text: template.label }),
    h("span", { class: "desc", text: template.description || "" }));
}

function musicItem(track) {
  const label = track.label || track.name;
  const meta = [track.mood, track.tempo ? `${Math.round(track.tempo)} BPM` : ""].filter(Boolean).join(" · ");
  return h("li", { class: "music-item", dataset: { track: track.name } },
    h("label", {},
      h("input", { type: "radio", name: "music", value: track.name }),
      h("span", {}, h("span", { text: label }), " ", h("span", { class: "meta", text: meta }))),
    track.preview_url
      ? h("button", { type: "button", class: "btn play-btn", "aria-pressed": "false", "aria-label": `Play ${label}`,
        dataset: { label }, text: "▶", onclick: (e) => togglePreview(e.currentTarget, track.preview_url, label) })
      : null);
}

// Fill the form's lists and set its fields from the shop's defaults. Resolves when the form is usable.
export async function setupOptions(form, { signal } = {}) {
  const templatesSlot = slot(form, "templates");
  const musicSlot = slot(form, "music");
  const [templates, music, settings] = await Promise.all([
    cached("/templates", "templates"),
    cached("/music", "music"),
    cached("/settings").catch(() => ({})), // defaults are a nicety; the form works without them
  ]);
  if (signal?.aborted) return;
  const defaultTemplate = settings.default_template || templates[0]?.name;
  fill(templatesSlot, templates.map((t) => templateCard(t, t.name === defaultTemplate)));
  if (!$$(musicSlot, "li[data-track]").length) {
    for (const track of music) musicSlot.append(musicItem(track));
  }
  setValue(form, "aspect", settings.default_aspect);
  setValue(form, "duration", settings.default_duration);
  setValue(form, "music", settings.default_music);
}

export async function retryableSetup(form, opts) {
  try {
    await setupOptions(form, opts);
  } catch (err) {
    if (opts?.signal?.aborted) return;
    fill(slot(form, "templates"), errorState(err, () => retryableSetup(form, opts)));
  }
}

function setValue(form, name, value) {
  if (value === undefined || value === null || value === "") return;
  const field = form.elements.namedItem(name);
  if (!field) return;
  if (field instanceof RadioNodeList || field.type === "radio") {
    const radio = $(form, `input[name="${name}"][value="${CSS.escape(String(value))}"]`);
    if (radio) radio.checked = true;
    return;
  }
  if (field.tagName === "SELECT") {
    const text = String(Number.isFinite(Number(value)) ? Number(value) : value);
    if (!Array.from(field.options).some((o) => o.value === text)) field.append(h("option", { value: text, text: `${text} seconds` }));
    field.value = text;
    return;
  }
  field.value = value;
}

// The form -> the API's option fields (api.md: template, aspect, duration, music, instruction, show_*, cta_text).
export function readOptions(form) {
  const data = new FormData(form);
  const options = {
    template: data.get("template") || undefined,
    aspect: data.get("aspect") || undefined,
    duration: data.get("duration") ? Number(data.get("duration")) : undefined,
    music: data.get("music") || undefined,
    show_title: form.elements.namedItem("show_title").checked,
    show_price: form.elements.namedItem("show_price").checked,
    show_badge: form.elements.namedItem("show_badge").checked,
    show_cta: form.elements.namedItem("show_cta").checked,
  };
  const cta = String(data.get("cta_text") || "").trim();
  if (cta) options.cta_text = cta;
  const instruction = String(data.get("instruction") || "").trim();
  if (instruction) options.instruction = instruction;
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

// Debounced /api/instructions/preview: understood / not understood / conflicting, shown as chips.
export function watchInstruction(container, { signal } = {}) {
  const textarea = $(container, "textarea");
  const feedback = slot(container, "interpretation");
  let seq = 0;
  let inflight = null;
  const show = (name, items, chipClass) => {
    const group = slot(feedback, name);
    fill($(group, "ul"), (items || []).map((text) => h("li", { class: `chip ${chipClass}`, text })));
    group.hidden = !(items || []).length;
  };
  const preview = debounce(async () => {
    const text = textarea.value.trim();
    const mine = ++seq;
    inflight?.abort();
    if (!text) {
      feedback.hidden = true;
      return;
    }
    inflight = new AbortController();
    feedback.setAttribute("aria-busy", "true");
    try {
      const result = await api.post("/instructions/preview", { instruction: text }, { signal: inflight.signal });
      if (mine !== seq) return;
      show("understood", result.understood, "chip-understood");
      show("unrecognised", result.unrecognised, "chip-unrecognised");
      show("conflicts", result.conflicts, "chip-conflict");
      feedback.hidden = false;
    } catch (err) {
      if (err.name === "AbortError" || mine !== seq) return;
      show("understood", [], "");
      show("conflicts", [], "");
      show("unrecognised", [err.message], "chip-conflict");
      feedback.hidden = false;
    } finally {
      if (mine === seq) feedback.removeAttribute("aria-busy");
    }
  }, 400);
  textarea.addEventListener("input", preview);
  signal?.addEventListener("abort", () => {
    preview.cancel();
    inflight?.abort();
    textarea.removeEventListener("input", preview);
  });
  return preview;
}

export function resetInstruction(container) {
  $(container, "textarea").value = "";
  slot(container, "interpretation").hidden = true;
}

// Posts the form's options (plus `body`) to `path`, then opens the created job's or batch's page (`pageOf`);
// a failure shows in the banner slot with `failTitle` (or the out-of-credits title).
export async function startFromOptions(form, { path, body, pageOf, failTitle, submit, bannerSlot, ctx, signal }) {
  fill(bannerSlot);
  busy(submit, true);
  stopPreview();
  try {
    const created = await api.post(path, { ...body, ...readOptions(form) }, { signal });
    ctx.credits(true).catch(() => {});
    ctx.navigate(pageOf(created));
  } catch (err) {
    if (isAbort(err)) return;
    const title = err.code === "no_credits" ? "You're out of credits" : failTitle;
    fill(bannerSlot, banner("critical", title, err.message));
    bannerSlot.scrollIntoView({ block: "nearest" });
  } finally {
    busy(submit, false);
  }
}
