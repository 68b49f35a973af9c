// Settings: brand colours, logo upload, defaults for new videos, auto-publish (GET/PUT /api/settings).

import { api, isAbort } from "../api.js";
import { $, $$, banner, busy, errorState, fill, h, slot, toast } from "../dom.js";
import { cached, forget } from "../options.js";

const COLOR = /^#[0-9a-fA-F]{6}$/;
const COLORS = ["brand_primary", "brand_secondary", "brand_text"];

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const form = $(section, '[data-form="settings"]');
  const save = $(form, '[data-action="save-settings"]');
  const bannerSlot = slot(section, "banner");
  const logoInput = form.elements.namedItem("logo");
  const logoError = slot(section, "logo-error");
  fill(bannerSlot);

  function showLogo(url) {
    const img = slot(section, "logo-preview");
    img.hidden = !url;
    if (url) img.src = url;
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
    showLogo(settings.logo_url);
  }

  function syncSwatch(field) {
    const swatch = $(form, `[data-color-for="${field.id}"]`);
    if (COLOR.test(field.value)) swatch.value = field.value.toLowerCase();
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
    swatch.addEventListener("input", () => { form.elements.namedItem(swatch.dataset.colorFor.replace("-", "_")).value = swatch.value.toUpperCase(); }, { signal });
  }
  for (const name of COLORS) {
    form.elements.namedItem(name).addEventListener("input", (e) => syncSwatch(e.target), { signal });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { data, errors } = readForm();
    if (errors.length) {
      fill(bannerSlot, banner("critical", "Check these settings", errors.join(". ")));
      return;
    }
    busy(save, true);
    try {
      fillForm(await api.put("/settings", data, { signal }));
      forget("/settings"); // new videos start from the new defaults
      fill(bannerSlot, banner("success", "Settings saved", null));
      toast("Settings saved");
    } catch (err) {
      if (!isAbort(err)) fill(bannerSlot, banner("critical", "Settings were not saved", err.message));
    } finally {
      busy(save, false);
    }
  }, { signal });

  logoInput.addEventListener("change", async () => {
    const file = logoInput.files[0];
    logoError.hidden = true;
    if (!file) return;
    const upload = new FormData();
    upload.append("logo", file);
    logoInput.disabled = true;
    try {
      const settings = await api.upload("/settings/logo", upload, { signal });
      showLogo(settings.logo_url);
      forget("/settings");
      toast("Logo uploaded");
    } catch (err) {
      if (isAbort(err)) return;
      logoError.textContent = err.message;
      logoError.hidden = false;
    } finally {
      logoInput.disabled = false;
      logoInput.value = "";
    }
  }, { signal });

  load();
}
