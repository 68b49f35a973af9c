// Generate: options for one product, then POST /api/jobs and go to the job's progress page.

import { api, isAbort } from "../api.js";
import { $, busy, errorState, fill, h, money, productGid, slot } from "../dom.js";
import { retryableSetup, startFromOptions, stopPreview, watchInstruction } from "../options.js";

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
    hasVideo ? h("p", { class: "help", text: "This product already has a video from Showreel; the new one replaces it once Shopify has processed it." }) : null,
    photos ? null : h("p", { class: "badge badge-warning", text: "No photos: add one in Shopify first" }),
  ];
}

export function creditsNote(el, credits) {
  if (!credits) return;
  el.textContent = credits.available > 0
    ? `Uses 1 credit · ${credits.available} left`
    : "You have no credits left this month.";
}

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const number = params[0];
  const form = $(section, '[data-form="generate"]');
  const submit = $(form, '[data-action="generate"]');
  const bannerSlot = slot(section, "banner");
  fill(bannerSlot);
  busy(submit, false);

  async function loadProduct() {
    const target = slot(section, "product");
    try {
      const product = await api.get(`/shopify/products/${encodeURIComponent(number)}`, { signal });
      fill(target, productCard(product));
      $(section, "h1").textContent = `Generate video: ${product.title}`;
    } catch (err) {
      if (!isAbort(err)) fill(target, errorState(err, loadProduct));
    }
  }

  retryableSetup(form, { signal });
  watchInstruction($(form, "[data-instruction]"), { signal });
  loadProduct();
  ctx.credits().then((c) => creditsNote(slot(section, "credits-note"), c)).catch(() => {});

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    startFromOptions(form, { path: "/jobs", body: { product_id: productGid(number) }, pageOf: (job) => `#/jobs/${job.id}`, failTitle: "The video could not be started",
                               submit, bannerSlot, ctx, signal });
  }, { signal });
  signal.addEventListener("abort", stopPreview);
}
