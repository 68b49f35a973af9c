// Bulk: the selected products, options once for all, POST /api/batches, then the batch's progress page.

import { api, isAbort, query } from "../api.js";
import { $, busy, fill, h, money, productGid, productNumber, slot } from "../dom.js";
import { cached, retryableSetup, startFromOptions, stopPreview, watchInstruction } from "../options.js";
import { pickProducts } from "../picker.js";
import { creditsLeft } from "../words.js";
import { creditsNote, outcomeWords } from "./generate.js";

const CARDS_PER_CALL = 250; // ids per /api/products/cards call (one Admin API `nodes` query each)

function selectionRow(number, product, note) {
  return h("li", { class: "product-row product-id", dataset: { productId: productGid(number) }, style: "grid-template-columns:48px minmax(0,1fr)" },
    product?.thumbnail_url ? h("img", { class: "thumb", src: product.thumbnail_url, alt: "" }) : h("span", { class: "thumb", "aria-hidden": "true" }),
    h("div", { class: "stack-tight", style: "gap:0;min-width:0" },
      h("span", { class: "product-title", text: product ? product.title : `Product ${number}` }),
      h("span", { class: "product-meta", text: note || (product ? money(product.price, product.currency) : "Loading…") })));
}

// Every selected product's title, photo and price, in as few calls as the ids need.
async function loadCards(numbers, rows, signal) {
  for (let start = 0; start < numbers.length; start += CARDS_PER_CALL) {
    const chunk = numbers.slice(start, start + CARDS_PER_CALL);
    try {
      const found = await api.get(`/products/cards${query({ ids: chunk.join(",") })}`, { signal });
      const byNumber = new Map((found.products || []).map((p) => [productNumber(p.id), p]));
      chunk.forEach((number, i) => {
        const product = byNumber.get(number);
        const row = selectionRow(number, product, product ? "" : "Not found in your store");
        rows[start + i].replaceWith(row);
        rows[start + i] = row;
      });
    } catch (err) {
      if (isAbort(err)) return;
      chunk.forEach((number, i) => {
        const row = selectionRow(number, null, err.message);
        rows[start + i].replaceWith(row);
        rows[start + i] = row;
      });
    }
  }
}

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const form = $(section, '[data-form="bulk"]');
  const submit = $(section, '[data-action="generate-batch"]');
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
    loadCards(numbers, rows, signal);
  }

  retryableSetup(form, { signal });
  watchInstruction($(form, "[data-instruction]"), { signal });
  ctx.credits(true).then((c) => {
    const note = slot(section, "credits-note");
    creditsNote(note, c);
    if (c && c.available > 0 && c.available < numbers.length) {
      note.textContent = `Uses ${numbers.length} credits, but only ${c.available} are left.`;
    } else if (c && c.available > 0) {
      note.textContent = `Uses ${numbers.length} credit${numbers.length === 1 ? "" : "s"} · ${creditsLeft(c)}`;
    }
  }).catch(() => {});

  $(section, '[data-action="choose-products"]').onclick = async () => {
    const ids = await pickProducts(numbers.map(productGid));
    if (ids?.length && !signal.aborted) ctx.navigate(`#/bulk?ids=${ids.map(productNumber).join(",")}`);
  };
  cached("/settings").then((s) => { slot(section, "outcome").textContent = outcomeWords(s); }).catch(() => {});

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!numbers.length) return;
    startFromOptions(form, { path: "/batches", body: { product_ids: numbers.map(productGid) }, pageOf: (batch) => `#/batches/${batch.id}`, failTitle: "The videos could not be started",
                               submit, bannerSlot, ctx, signal });
  }, { signal });
  signal.addEventListener("abort", stopPreview);
}
