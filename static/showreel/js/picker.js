// Choosing products for a batch. Inside the admin: App Bridge's resource picker
// (https://shopify.dev/docs/api/app-home/apis/resource-picker). Without App Bridge (development, tests, the
// emulator) a stand-in dialog lists the store's products from /api/products with the same result: the
// chosen product ids, or null when the merchant closed it without choosing.

import { api, listOf, query } from "./api.js";
import { debounce, fill, h, money } from "./dom.js";

export async function pickProducts(selected = []) {
  if (typeof window.shopify?.resourcePicker === "function") {
    const chosen = await window.shopify.resourcePicker({
      type: "product", multiple: true, action: "select", selectionIds: selected.map((id) => ({ id })),
    });
    return chosen ? chosen.map((p) => p.id) : null;
  }
  return standIn(selected);
}

function standIn(selected) {
  const chosen = new Set(selected);
  const list = h("ul", { class: "picker-list", "aria-label": "Products" });
  const count = h("span", { class: "subdued", "aria-live": "polite" });
  const search = h("input", { type: "search", id: "picker-search", placeholder: "Search by title", autocomplete: "off" });
  const dialog = h("dialog", { class: "dialog picker", "aria-labelledby": "picker-title" },
    h("form", { method: "dialog", class: "stack-tight" },
      h("h2", { id: "picker-title", text: "Choose products" }),
      h("div", {}, h("label", { for: "picker-search", text: "Search products" }), search),
      list,
      h("div", { class: "row dialog-actions" }, count,
        h("button", { type: "submit", class: "btn", value: "cancel", text: "Cancel" }),
        h("button", { type: "submit", class: "btn btn-primary", value: "select", text: "Select" }))));
  const showCount = () => { count.textContent = `${chosen.size} selected`; };

  async function load() {
    fill(list, h("li", { class: "subdued", text: "Loading…" }));
    try {
      const products = listOf(await api.get(`/products${query({ query: search.value.trim() })}`), "products");
      fill(list, products.length ? products.map((p) => h("li", {},
        h("label", { class: "check picker-row" },
          h("input", { type: "checkbox", value: p.id, checked: chosen.has(p.id),
            onchange: (e) => { e.target.checked ? chosen.add(p.id) : chosen.delete(p.id); showCount(); } }),
          p.thumbnail_url ? h("img", { class: "thumb thumb-sm", src: p.thumbnail_url, alt: "" }) : h("span", { class: "thumb thumb-sm", "aria-hidden": "true" }),
          h("span", { class: "product-title", text: p.title }),
          h("span", { class: "subdued", text: money(p.price, p.currency) }))))
        : h("li", { class: "subdued", text: "No products match." }));
    } catch (err) {
      fill(list, h("li", { class: "field-error", text: err.message }));
    }
  }
  search.addEventListener("input", debounce(load, 300));
  showCount();
  document.body.append(dialog);
  dialog.showModal();
  load();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "select" ? [...chosen] : null);
    }, { once: true });
  });
}
