// Settings: brand colours, logo, defaults for new videos, auto-publish (GET/PUT /api/settings, the logo by
// POST /api/settings/logo). One form saved together, the logo with it: nothing is stored until Save.
// Inside the admin, App Bridge's save bar (the form's data-save-bar) shows Save / Discard when something
// changed and submits or resets the form; without App Bridge the form's own bar does the same, and leaving
// the page with unsaved changes asks first.

import { api, isAbort } from "../api.js";
import { $, $$, banner, busy, errorState, fill, h, slot, toast } from "../dom.js";
import { cached, forget } from "../options.js";

const COLOR = /^#[0-9a-fA-F]{6}$/;
const COLORS = ["brand_primary", "brand_secondary", "brand_text"];

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const form = $(section, '[data-form="settings"]');
  const save = $(form, '[data-action="save-settings"]');
  const bar = slot(section, "save-bar");
  const bannerSlot = slot(section, "banner");
  const logoInput = form.elements.namedItem("logo");
  const logoError = slot(section, "logo-error");
  let saved = null; // the settings as stored
  let savedSnapshot = "";
  let previewUrl = null;
  fill(bannerSlot);
  bar.hidden = true;

  function showLogo(url) {
    const img = slot(section, "logo-preview");
    img.hidden = !url;
    if (url) img.src = url;
    else img.removeAttribute("src");
  }

  function fillForm(settings) {
    for (const name of COLORS) {
      const field = form.elements.namedItem(name);
      field.value = settings[name] || "";
      syncSwatch(field);
    }
    form.elements.namedItem("default_aspect").value = settings.default_aspect || "1:1";
    form.elements.namedItem("default_duration").value = settings.default_duration ?? 15;
    const template = form.elements.namedItem("default_template");
    if (settings.default_template) template.value = settings.default_template;
    const music = form.elements.namedItem("default_music");
    if (settings.default_music) music.value = settings.default_music;
    form.elements.namedItem("auto_publish").checked = Boolean(settings.auto_publish);
    logoInput.value = "";
    showLogo(settings.logo_url);
    // What a reset (Discard, here or in App Bridge's bar) goes back to: the stored settings.
    for (const field of form.elements) {
      if (field.type === "checkbox") field.defaultChecked = field.checked;
      else if (field.tagName === "SELECT") for (const o of field.options) o.defaultSelected = o.selected;
      else if (field.type !== "file" && "defaultValue" in field) field.defaultValue = field.value;
    }
    saved = settings;
    savedSnapshot = snapshot();
    markDirty();
  }

  function syncSwatch(field) {
    const swatch = $(form, `[data-color-for="${field.id}"]`);
    if (COLOR.test(field.value)) swatch.value = field.value.toLowerCase();
  }

  const snapshot = () => JSON.stringify([readForm().data, logoInput.files.length]);
  const dirty = () => saved !== null && snapshot() !== savedSnapshot;
  function markDirty() {
    bar.hidden = !dirty();
  }

  async function load() {
    slot(section, "loading").hidden = false;
    form.hidden = true;
    try {
      const [settings, templates, music] = await Promise.all([
        api.get("/settings", { signal }), cached("/templates", "templates"), cached("/music", "music"),
      ]);
      fill(form.elements.namedItem("default_template"), templates.map((t) => h("option", { value: t.name, text: t.label })));
      const musicSelect = form.elements.namedItem("default_music");
      fill(musicSelect, h("option", { value: "auto", text: "Match the template" }), h("option", { value: "none", text: "No music" }),
        music.map((m) => h("option", { value: m.name, text: `${m.label || m.name}${m.mood ? ` (${m.mood})` : ""}` })));
      fillForm(settings);
      slot(section, "loading").hidden = true;
      form.hidden = false;
    } catch (err) {
      if (isAbort(err)) return;
      fill(slot(section, "loading"), errorState(err, load));
    }
  }

  function readForm() {
    const errors = [];
    const data = {};
    for (const name of COLORS) {
      const value = form.elements.namedItem(name).value.trim();
      if (value && !COLOR.test(value)) errors.push(`${name.replace("brand_", "").replace("primary", "accent").replace("secondary", "backdrop")} colour must look like #1A2B3C`);
      data[name] = value || null;
    }
    const duration = Number(form.elements.namedItem("default_duration").value);
    if (!Number.isFinite(duration) || duration < 2 || duration > 600) errors.push("Length must be between 2 and 600 seconds");
    data.default_duration = duration;
    data.default_template = form.elements.namedItem("default_template").value;
    data.default_aspect = form.elements.namedItem("default_aspect").value;
    data.default_music = form.elements.namedItem("default_music").value;
    data.auto_publish = form.elements.namedItem("auto_publish").checked;
    return { data, errors };
  }

  for (const swatch of $$(form, "[data-color-for]")) {
    swatch.addEventListener("input", () => {
      const field = form.elements.namedItem(swatch.dataset.colorFor.replace("-", "_"));
      field.value = swatch.value.toUpperCase();
      markDirty();
    }, { signal });
  }
  for (const name of COLORS) {
    form.elements.namedItem(name).addEventListener("input", (e) => syncSwatch(e.target), { signal });
  }
  form.addEventListener("input", markDirty, { signal });
  form.addEventListener("change", markDirty, { signal });

  // A chosen logo is only previewed here; it is stored when the form is saved.
  logoInput.addEventListener("change", () => {
    logoError.hidden = true;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    const file = logoInput.files[0];
    if (file) {
      previewUrl = URL.createObjectURL(file);
      showLogo(previewUrl);
    } else {
      showLogo(saved?.logo_url);
    }
  }, { signal });

  form.addEventListener("reset", () => {
    // Discard: the browser puts the fields back to their defaults (the stored values) after this event.
    setTimeout(() => {
      logoError.hidden = true;
      fill(bannerSlot);
      if (saved) fillForm(saved);
    });
  }, { signal });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { data, errors } = readForm();
    if (errors.length) {
      fill(bannerSlot, banner("critical", "Check these settings", errors.join(". ")));
      return;
    }
    fill(bannerSlot);
    busy(save, true);
    try {
      const file = logoInput.files[0];
      if (file) {
        const upload = new FormData();
        upload.append("logo", file);
        try {
          await api.upload("/settings/logo", upload, { signal });
        } catch (err) {
          if (isAbort(err)) return;
          logoError.textContent = err.message;
          logoError.hidden = false;
          fill(bannerSlot, banner("critical", "Settings were not saved", "The logo could not be used; choose another file or remove it."));
          return;
        }
      }
      fillForm(await api.put("/settings", data, { signal }));
      forget("/settings"); // new videos start from the new defaults
      toast("Settings saved");
    } catch (err) {
      if (!isAbort(err)) fill(bannerSlot, banner("critical", "Settings were not saved", err.message));
    } finally {
      busy(save, false);
    }
  }, { signal });

  // No silent loss: leaving with unsaved changes asks first (App Bridge does the same for the admin's links).
  ctx.setLeaveGuard?.(() => !dirty() || window.confirm("Leave Settings without saving your changes?"));
  const beforeUnload = (e) => { if (dirty()) e.preventDefault(); };
  window.addEventListener("beforeunload", beforeUnload);
  signal.addEventListener("abort", () => {
    window.removeEventListener("beforeunload", beforeUnload);
    if (previewUrl) URL.revokeObjectURL(previewUrl);
  });

  load();
}
