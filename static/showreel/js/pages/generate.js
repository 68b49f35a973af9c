// Generate: options for one product, then POST /api/jobs and go to the job's progress page.
// The button is only enabled when a video can be made: the product has a photo, a credit is left, and no
// video for this product is already being made; otherwise it says why and what to do next.

import { api, isAbort, listOf, query } from "../api.js";
import { $, banner, busy, errorState, fill, h, money, productGid, slot, TERMINAL } from "../dom.js";
import { compareLooks } from "../looks.js";
import { cached, productPreviews, retryableSetup, startFromOptions, stopPreview, watchInstruction } from "../options.js";
import { creditsLeft } from "../words.js";

export function productCard(product) {
  const image = (product.media || []).find((m) => m.kind === "IMAGE" && m.image_url);
  const photos = (product.media || []).filter((m) => m.kind === "IMAGE").length;
  const hasVideo = (product.media || []).some((m) => m.kind === "VIDEO");
  return [
    h("div", { class: "row", style: "flex-wrap:nowrap" },
      image ? h("img", { class: "thumb thumb-lg", src: image.image_url, alt: image.alt || "" }) : h("span", { class: "thumb thumb-lg" }),
      h("div", { class: "stack-tight", style: "gap:2px;min-width:0" },
        h("h2", { text: product.title }),
        h("span", { class: "subdued", text: money(product.price, product.currency) }),
        h("span", { class: "subdued", text: `${photos} photo${photos === 1 ? "" : "s"}` }))),
    hasVideo ? h("p", { class: "help", text: "This product already has a video; the new one takes its place once it is published." }) : null,
  ];
}

export function creditsNote(el, credits) {
  if (!credits) return;
  el.textContent = credits.available > 0 ? `Uses 1 credit · ${creditsLeft(credits)}` : "You have no credits left this month.";
}

// What pressing Generate will do with the finished video, in plain words (auto-publish is a setting).
export function outcomeWords(settings) {
  return settings?.auto_publish
    ? "When it's ready, the video is added to the product page automatically. You can change this in Settings."
    : "When it's ready, you can watch it first; it goes on the product page only when you press Publish.";
}

// The admin page where a product's photos are added (top level, outside the app's frame).
export function productAdminUrl(number) {
  const store = (document.body.dataset.shop || "").replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/products/${number}`;
}

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const number = params[0];
  const form = $(section, '[data-form="generate"]');
  const submit = $(section, '[data-action="generate"]');
  const bannerSlot = slot(section, "banner");
  const blocker = slot(section, "blocker");
  const state = { product: null, credits: null, running: null, checked: false };
  fill(bannerSlot);
  fill(blocker);
  submit.removeAttribute("aria-busy");
  submit.disabled = true; // until the product, the credits and the running jobs are known
  fill(slot(section, "outcome"));

  // Why the button can't work now, and the next step; null when it can.
  function reason() {
    const { product, credits, running } = state;
    if (running) {
      return ["A video for this product is already being made.", "Wait for it to finish, or cancel it, before making another.",
        h("a", { class: "btn", href: `#/jobs/${running.id}`, text: "View its progress" })];
    }
    if (product && !(product.media || []).some((m) => m.kind === "IMAGE" || (m.kind === "VIDEO" && m.status === "READY"))) {
      return ["This product has no photos.", "Add at least one photo to the product in Shopify, then come back.",
        h("a", { class: "btn", href: productAdminUrl(number), target: "_top", text: "Add photos in Shopify" })];
    }
    if (credits && credits.available <= 0) {
      return ["You have no credits left this month.", "Credits renew on the 1st, or choose a plan with more.",
        credits.plan_url ? h("a", { class: "btn", href: credits.plan_url, target: "_top", text: "See plans" }) : null];
    }
    return null;
  }

  function update() {
    const why = reason();
    const ready = state.product && state.credits && state.checked;
    submit.disabled = Boolean(why) || !ready;
    fill(blocker, why ? banner("warning", why[0], why[1], why[2] ? [why[2]] : []) : null);
    if (why) submit.setAttribute("aria-describedby", blocker.id);
    else submit.removeAttribute("aria-describedby");
    creditsNote(slot(section, "credits-note"), state.credits);
  }

  async function loadProduct() {
    const target = slot(section, "product");
    try {
      const product = await api.get(`/shopify/products/${encodeURIComponent(number)}`, { signal });
      state.product = product;
      fill(target, productCard(product));
      $(section, "h1").textContent = `Generate video: ${product.title}`;
      update();
    } catch (err) {
      if (!isAbort(err)) fill(target, errorState(err, loadProduct));
    }
  }

  // The template cards show this product's own photo; until then (or without one) the sample stills.
  async function loadPreviews() {
    try {
      const previews = await api.get(`/products/${encodeURIComponent(number)}/template-previews${query({ aspect: "1:1" })}`, { signal });
      productPreviews(form, listOf(previews, "templates"));
    } catch {
      // the sample stills stay: the cards work without the product's own
    }
  }

  async function loadRunning() {
    try {
      const jobs = listOf(await api.get(`/jobs${query({ product_id: productGid(number) })}`, { signal }), "results");
      state.running = jobs.find((j) => !TERMINAL.has(j.status)) || null;
    } catch (err) {
      if (isAbort(err)) return;
      state.running = null; // the server refuses a second job anyway (409)
    }
    state.checked = true;
    update();
  }

  const onCredits = (e) => { state.credits = e.detail; update(); };
  document.addEventListener("showreel:credits", onCredits);
  signal.addEventListener("abort", () => document.removeEventListener("showreel:credits", onCredits));

  productPreviews(form, null); // not the previous product's
  retryableSetup(form, { signal });
  loadPreviews();
  watchInstruction($(form, "[data-instruction]"), { signal });
  loadProduct();
  loadRunning();
  ctx.credits(true).then((c) => { state.credits = c; update(); }).catch(() => {});
  cached("/settings").then((s) => { slot(section, "outcome").textContent = outcomeWords(s); }).catch(() => {});

  const compare = $(section, '[data-action="compare-looks"]');
  slot(section, "looks-card").hidden = true;
  const startLooks = compareLooks(section, form, { productId: productGid(number), canPick: () => !reason(), ctx, signal });
  compare.onclick = () => startLooks(compare);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    startFromOptions(form, { path: "/jobs", body: { product_id: productGid(number) }, pageOf: (job) => `#/jobs/${job.id}`,
                             failTitle: "The video could not be started", submit, bannerSlot, ctx, signal });
  }, { signal });
  signal.addEventListener("abort", stopPreview);
}
