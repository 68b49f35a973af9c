// The video options form (templates with stills, shape, length, music with previews, text switches) and
// the free-text instruction box with what was understood shown back. Shared by Generate and Bulk.

import { api, isAbort, listOf } from "./api.js";
import { $, $$, banner, busy, debounce, errorState, fill, h, slot } from "./dom.js";
import * as words from "./words.js";

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

let cardCount = 0;
// The radio is named by the template's label alone (and described by its description); the still is an image
// of its own, whose alt says what it shows.
function templateCard(template, checked) {
  const id = `template-card-${++cardCount}`;
  const still = template.still_url
    ? h("img", { src: template.still_url, alt: `${template.label} template, shown with a sample product`, loading: "lazy",
      dataset: { template: template.name, label: template.label },
      onerror: (e) => e.target.replaceWith(h("span", { class: "still-missing", text: template.label })) })
    : h("span", { class: "still-missing", text: template.label });
  return h("label", { class: "template-card" },
    h("input", { type: "radio", name: "template", value: template.name, checked,
      "aria-labelledby": `${id}-name`, "aria-describedby": `${id}-desc` }),
    still,
    h("span", { class: "name", id: `${id}-name`, text: template.label }),
    h("span", { class: "desc", id: `${id}-desc`, text: template.description || "" }));
}

// The product's own template stills (GET /api/products/<n>/template-previews) for a form's cards; null
// forgets them (another product). Each one replaces its card's sample still only once it has loaded, so a
// card is never blank; the cards drawn later (a retried setup) get them too.
const ownPreviews = new WeakMap();
export function productPreviews(form, previews) {
  if (previews) ownPreviews.set(form, previews);
  else ownPreviews.delete(form);
  showPreviews(form);
}

function showPreviews(form) {
  const previews = ownPreviews.get(form);
  for (const preview of previews || []) {
    const img = $(form, `.template-card img[data-template="${CSS.escape(preview.name)}"]`);
    if (!preview.own_photos || !img || img.dataset.own === preview.still_url) continue;
    const loaded = new Image();
    loaded.onload = () => {
      if (ownPreviews.get(form) !== previews || !img.isConnected) return; // another product by now
      img.src = preview.still_url;
      img.alt = `${img.dataset.label} template, shown with this product's photo`;
      img.dataset.own = preview.still_url;
    };
    loaded.src = preview.still_url;
  }
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
// A field the merchant changed while the defaults were loading keeps the merchant's choice.
export async function setupOptions(form, { signal } = {}) {
  const templatesSlot = slot(form, "templates");
  const musicSlot = slot(form, "music");
  const touched = new Set();
  const mark = (event) => touched.add(event.target.name);
  form.addEventListener("change", mark);
  let templates, music, settings;
  try {
    [templates, music, settings] = await Promise.all([
      cached("/templates", "templates"),
      cached("/music", "music"),
      cached("/settings").catch(() => ({})), // defaults are a nicety; the form works without them
    ]);
  } finally {
    form.removeEventListener("change", mark);
  }
  if (signal?.aborted) return;
  settings = { ...settings }; // a copy: the cached answer stays whole
  for (const name of touched) delete settings[`default_${name}`];
  const defaultTemplate = settings.default_template || templates[0]?.name;
  fill(templatesSlot, templates.map((t) => templateCard(t, t.name === defaultTemplate)));
  showPreviews(form);
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

// Debounced /api/instructions/preview: understood / not understood / conflicting, shown as chips in plain
// words; an instruction asking for something that can't be made ("100 minutes") is an inline field error.
export function watchInstruction(container, { signal } = {}) {
  const textarea = $(container, "textarea");
  const feedback = slot(container, "interpretation");
  const error = slot(container, "instruction-error");
  let seq = 0;
  let inflight = null;
  const show = (name, items, chipClass, render = (text) => text) => {
    const group = slot(feedback, name);
    fill($(group, "ul"), (items || []).map((item) => h("li", { class: `chip ${chipClass}` }, render(item))));
    group.hidden = !(items || []).length;
  };
  const understoodChip = (entry) => {
    const { words: said, phrase } = words.understood(entry);
    return [said, phrase ? h("span", { class: "chip-phrase", text: ` (“${phrase}”)` }) : null];
  };
  const setError = (message) => {
    error.textContent = message ? words.sentence(message) : "";
    error.hidden = !message;
    if (message) textarea.setAttribute("aria-invalid", "true");
    else textarea.removeAttribute("aria-invalid");
  };
  const preview = debounce(async () => {
    const text = textarea.value.trim();
    const mine = ++seq;
    inflight?.abort();
    if (!text) {
      feedback.hidden = true;
      setError("");
      return;
    }
    inflight = new AbortController();
    feedback.setAttribute("aria-busy", "true");
    try {
      const result = await api.post("/instructions/preview", { instruction: text }, { signal: inflight.signal });
      if (mine !== seq) return;
      // What can't be made as asked (a length out of range, two shapes at once) is the field's error.
      setError((result.conflicts || []).map(words.sentence).join(" "));
      show("understood", result.understood, "chip-understood", understoodChip);
      show("unrecognised", result.unrecognised, "chip-unrecognised");
      show("conflicts", [], "chip-conflict");
      feedback.hidden = !(result.understood?.length || result.unrecognised?.length);
    } catch (err) {
      if (err.name === "AbortError" || mine !== seq) return;
      feedback.hidden = true;
      setError([].concat(err.fields?.instruction || [])[0] || err.message);
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
  $(container, "textarea").removeAttribute("aria-invalid");
  slot(container, "interpretation").hidden = true;
  slot(container, "instruction-error").hidden = true;
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
    busy(submit, false);
    const actions = [];
    let title = failTitle;
    if (err.code === "no_credits") {
      title = "You're out of credits";
      const credits = await ctx.credits(true).catch(() => null);
      if (credits?.plan_url) actions.push(h("a", { class: "btn", href: credits.plan_url, target: "_top", text: "See plans" }));
    } else if (err.code === "job_running") {
      title = "A video for this product is already being made";
      if (err.extra?.job_id) actions.push(h("a", { class: "btn", href: `#/jobs/${err.extra.job_id}`, text: "View its progress" }));
    }
    fill(bannerSlot, banner("critical", title, err.message, actions));
    bannerSlot.scrollIntoView({ block: "nearest" });
    return;
  }
  // Success: the button stays disabled (a second click must not queue a second job) while the page changes.
}
