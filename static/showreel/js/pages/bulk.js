// Bulk: the selected products, options once for all, POST /api/batches, then the batch's progress page.

import { api, isAbort } from "../api.js";
import { $, busy, fill, h, money, productGid, productNumber, slot } from "../dom.js";
import { retryableSetup, startFromOptions, stopPreview, watchInstruction } from "../options.js";
import { creditsNote } from "./generate.js";

const MAX_DETAILS = 50; // product details fetched for the list; a larger selection still generates them all
const CONCURRENCY = 4;

function selectionRow(number, product, error) {
  const image = product && (product.media || []).find((m) => m.kind === "IMAGE" && m.image_url);
  return h("li", { class: "product-row product-id", dataset: { productId: productGid(number) }, style: "grid-template-columns:48px minmax(0,1fr)" },
    image ? h("img", { class: "thumb", src: image.image_url, alt: "" }) : h("span", { class: "thumb", "aria-hidden": "true" }),
    h("div", { class: "stack-tight", style: "gap:0;min-width:0" },
      h("span", { class: "product-title", text: product ? product.title : `Product ${number}` }),
      h("span", { class: "product-meta", text: error ? error.message : product ? money(product.price, product.currency) : "Loading…" })));
}

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const form = $(section, '[data-form="bulk"]');
  const submit = $(form, '[data-action="generate-batch"]');
  const list = slot(section, "selection");
  const bannerSlot = slot(section, "banner");
  fill(bannerSlot);
  busy(submit, false);

  const fromHash = (params.query.get("ids") || "").split(",").filter((n) => /^\d+$/.test(n));
  const numbers = [...new Set(fromHash.length ? fromHash : ctx.initialProductIds.map(productNumber))];
  slot(section, "selection-title").textContent = `${numbers.length} selected product${numbers.length === 1 ? "" : "s"}`;
  submit.textContent = numbers.length === 1 ? "Generate 1 video" : `Generate ${numbers.length} videos`;
  submit.disabled = numbers.length === 0;
  if (!numbers.length) {
    fill(list, h("li", { class: "empty" }, h("p", { text: "No products selected." }), h("a", { class: "btn", href: "#/", text: "Choose products" })));
  } else {
    const rows = numbers.map((n) => selectionRow(n));
    fill(list, rows);
    let next = 0;
    const worker = async () => {
      while (next < Math.min(numbers.length, MAX_DETAILS) && !signal.aborted) {
        const i = next++;
        try {
          const product = await api.get(`/shopify/products/${numbers[i]}`, { signal });
          rows[i].replaceWith((rows[i] = selectionRow(numbers[i], product)));
        } catch (err) {
          if (!isAbort(err)) rows[i].replaceWith((rows[i] = selectionRow(numbers[i], null, err)));
        }
      }
    };
    for (let i = 0; i < CONCURRENCY; i++) worker();
  }

  retryableSetup(form, { signal });
  watchInstruction($(form, "[data-instruction]"), { signal });
  ctx.credits().then((c) => {
    const note = slot(section, "credits-note");
    creditsNote(note, c);
    if (c && c.available > 0 && c.available < numbers.length) {
      note.textContent = `Uses ${numbers.length} credits, but only ${c.available} are left.`;
    } else if (c && c.available > 0) {
      note.textContent = `Uses ${numbers.length} credit${numbers.length === 1 ? "" : "s"} · ${c.available} left`;
    }
  }).catch(() => {});

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!numbers.length) return;
    startFromOptions(form, { path: "/batches", body: { product_ids: numbers.map(productGid) }, pageOf: (batch) => `#/batches/${batch.id}`, failTitle: "The videos could not be started",
                               submit, bannerSlot, ctx, signal });
  }, { signal });
  signal.addEventListener("abort", stopPreview);
}
