// Home: the shop's products (search, has-video filter, bulk selection, Generate per product), credits
// and recent jobs.

import { api, isAbort, listOf, query } from "../api.js";
import { $, $$, badge, banner, debounce, emptyState, errorState, fill, h, money, productGid, productName, productNumber, skeleton, slot, statusBadge, when } from "../dom.js";
import { pickProducts } from "../picker.js";
import { creditsLeft } from "../words.js";

// The credits card: what is left of the plan's monthly allowance, what is held, and the way to more.
export function creditsCard(credits) {
  const out = credits.available <= 0;
  return [
    h("p", { class: "credits-figure", dataset: { slot: "credits-left" } },
      h("strong", { text: String(credits.available) }), ` of ${credits.monthly_allowance ?? credits.total} left this month`),
    h("p", { class: "subdued", text: [credits.plan && `${credits.plan.charAt(0).toUpperCase()}${credits.plan.slice(1)} plan`,
      credits.frozen ? `${credits.frozen} held for videos being made` : ""].filter(Boolean).join(" · ") }),
    out ? outOfCredits(credits) : null,
  ];
}

export function outOfCredits(credits) {
  return banner("warning", "You're out of credits", `Credits renew on the 1st. ${creditsLeft(credits)}.`,
    credits.plan_url ? [h("a", { class: "btn", href: credits.plan_url, target: "_top", text: "See plans" })] : []);
}

export function mount(section, params, ctx) {
  const { signal } = ctx;
  const form = $(section, '[data-form="product-search"]');
  const list = slot(section, "products");
  const more = slot(section, "products-more");
  const selectAll = $(section, '[data-action="select-all"]');
  const bulkButton = $(section, '[data-action="bulk-generate"]');
  const selected = new Set(); // product numbers, kept across searches and pages
  let cursor = null;
  let loading = null;

  const updateSelection = () => {
    const boxes = $$(list, 'input[type="checkbox"][data-product]');
    selectAll.checked = boxes.length > 0 && boxes.every((b) => b.checked);
    selectAll.indeterminate = !selectAll.checked && boxes.some((b) => b.checked);
    slot(section, "selected-count").textContent = selected.size ? `${selected.size} selected` : "Select all";
    bulkButton.disabled = selected.size === 0;
    bulkButton.textContent = selected.size > 1 ? `Generate ${selected.size} videos` : "Generate videos";
  };

  const row = (product) => {
    const number = productNumber(product.id);
    const job = product.latest_job;
    const jobActive = job && !["ready", "failed", "cancelled"].includes(job.status);
    return h("li", { class: "product-row", dataset: { productId: product.id } },
      h("input", { type: "checkbox", "aria-label": `Select ${product.title}`, dataset: { product: number },
        checked: selected.has(number),
        onchange: (e) => { e.target.checked ? selected.add(number) : selected.delete(number); updateSelection(); } }),
      product.thumbnail_url ? h("img", { class: "thumb", src: product.thumbnail_url, alt: "" }) : h("span", { class: "thumb", "aria-hidden": "true" }),
      h("div", { class: "stack-tight", style: "gap:2px;min-width:0" },
        h("span", { class: "product-title", text: product.title }),
        h("span", { class: "product-meta" }, money(product.price, product.currency))),
      h("div", { class: "row row-badges" },
        product.has_video ? badge("Has video", "success") : badge("No video"),
        job ? h("a", { href: `#/jobs/${job.id}`, class: "badge-link" }, statusBadge(job.status),
          h("span", { class: "visually-hidden", text: `: latest video of ${product.title}` })) : null),
      h("div", { class: "row-action" },
        jobActive
          ? h("a", { class: "btn", href: `#/jobs/${job.id}`, text: "View progress" })
          : h("a", { class: "btn btn-primary", href: `#/generate/${number}`, "aria-label": `Generate video for ${product.title}`, text: "Generate" })),
    );
  };

  async function load({ append = false } = {}) {
    loading?.abort();
    loading = new AbortController();
    const mine = loading;
    signal.addEventListener("abort", () => mine.abort(), { once: true });
    const data = new FormData(form);
    if (!append) {
      cursor = null;
      fill(list, skeleton("Loading products"));
      more.hidden = true;
    }
    list.setAttribute("aria-busy", "true");
    try {
      const page = await api.get(`/products${query({ query: data.get("query"), has_video: data.get("has_video"), after: append ? cursor : null })}`,
        { signal: mine.signal });
      const products = listOf(page, "products");
      const ul = append ? $(list, "ul") : h("ul", { class: "product-list" });
      ul.append(...products.map(row));
      if (!append) {
        fill(list, products.length ? ul : data.get("query") || data.get("has_video")
          ? emptyState("No products match", "Try another search or filter.")
          : emptyState("No products yet", "Add products with photos in Shopify, then come back to make their videos."));
      }
      cursor = page?.next_cursor || null;
      more.hidden = !cursor;
    } catch (err) {
      if (isAbort(err)) return;
      fill(list, errorState(err, () => load({ append })));
    } finally {
      if (mine === loading) list.setAttribute("aria-busy", "false");
      updateSelection();
    }
  }

  async function loadRecent() {
    const target = slot(section, "recent-jobs");
    try {
      const jobs = listOf(await api.get("/jobs", { signal }), "results").slice(0, 6);
      fill(target, jobs.length
        ? h("ul", { class: "job-list" }, jobs.map((job) => h("li", { class: "job-item" },
          job.product_image_url ? h("img", { class: "thumb thumb-sm", src: job.product_image_url, alt: "" }) : h("span", { class: "thumb thumb-sm", "aria-hidden": "true" }),
          h("div", { class: "stack-tight", style: "gap:0;min-width:0" },
            h("a", { href: `#/jobs/${job.id}`, class: "product-title", text: productName(job) }),
            h("span", { class: "subdued", text: when(job.created_at) })),
          statusBadge(job.status))))
        : emptyState("No videos yet", "Pick a product and press Generate."));
    } catch (err) {
      if (!isAbort(err)) fill(target, errorState(err, loadRecent));
    }
  }

  function showCredits(credits) {
    fill(slot(section, "credits"), creditsCard(credits));
  }

  async function loadCredits() {
    const target = slot(section, "credits");
    try {
      showCredits(await ctx.credits(true));
    } catch (err) {
      if (!isAbort(err)) fill(target, errorState(err, loadCredits));
    }
  }
  const onCredits = (e) => showCredits(e.detail);
  document.addEventListener("showreel:credits", onCredits);
  signal.addEventListener("abort", () => document.removeEventListener("showreel:credits", onCredits));

  const search = debounce(() => load(), 300);
  form.addEventListener("input", (e) => (e.target.name === "query" ? search() : load()), { signal });
  form.addEventListener("submit", (e) => { e.preventDefault(); search.cancel(); load(); }, { signal });
  signal.addEventListener("abort", () => search.cancel());
  $(more, "button").addEventListener("click", () => load({ append: true }), { signal });
  selectAll.addEventListener("change", () => {
    for (const box of $$(list, 'input[type="checkbox"][data-product]')) {
      box.checked = selectAll.checked;
      box.checked ? selected.add(box.dataset.product) : selected.delete(box.dataset.product);
    }
    updateSelection();
  }, { signal });
  bulkButton.addEventListener("click", () => ctx.navigate(`#/bulk?ids=${[...selected].join(",")}`), { signal });
  $(section, '[data-action="choose-products"]').addEventListener("click", async () => {
    const ids = await pickProducts([...selected].map(productGid));
    if (ids?.length && !signal.aborted) ctx.navigate(`#/bulk?ids=${ids.map(productNumber).join(",")}`);
  }, { signal });

  load();
  loadRecent();
  loadCredits();
}
