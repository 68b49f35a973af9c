// The API's values in a merchant's words: shapes, lengths, music, credits, and what an instruction changes.

export const SHAPES = { "1:1": "Square (1:1)", "4:5": "Portrait (4:5)", "9:16": "Vertical (9:16)", "16:9": "Wide (16:9)" };

const capital = (text) => (text ? String(text).charAt(0).toUpperCase() + String(text).slice(1) : "");
export const sentence = (text) => capital(String(text || "").trim());

export function seconds(value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return "";
  const shown = Number.isInteger(n) ? String(n) : n.toFixed(1);
  return `${shown} second${n === 1 ? "" : "s"}`;
}

export const shape = (aspect) => SHAPES[aspect] || aspect || "";

// A library track ("sunrise"), a mood ("mood:upbeat"), "auto" or "none".
export function music(value) {
  if (value === null || value === undefined || value === "none") return "No music";
  const text = String(value);
  if (text === "auto") return "Matching the template";
  if (text.startsWith("mood:")) return `${capital(text.slice(5))} (picked by mood)`;
  return capital(text.replace(/[-_]/g, " "));
}

// "X of 10 left this month": the plan's monthly allowance, not what happens to be held right now.
export function creditsLeft(c) {
  if (!c) return "";
  const allowance = c.monthly_allowance ?? c.total;
  return `${c.available} of ${allowance} left this month`;
}

const TOGGLES = {
  text: ["Text on the video", "No text on the video"],
  show_price: ["Show the price", "No price"],
  show_title: ["Show the product title", "No product title"],
  show_logo: ["Show the logo", "No logo"],
  show_badge: ["Show the sale badge", "No sale badge"],
  show_cta: ["Call to action at the end", "No call to action"],
};

// One understood change (the composer's `what` and value) in words.
export function change(what, value) {
  switch (what) {
    case "duration": return `Length: ${seconds(value)}`;
    case "aspect": return `Shape: ${shape(value)}`;
    case "music": return value === "none" ? "No music" : `Music: ${music(value).replace(" (picked by mood)", "").toLowerCase()}`;
    case "template": return `Template: ${capital(value)}`;
    case "pace": return Number(value) >= 1 ? "Faster cuts" : "Slower cuts";
    case "emphasis": return value === "discount" ? "Highlight the discount" : "No highlight";
    case "cta": return `Call to action: “${String(value).replace(/^'|'$/g, "")}”`;
    default: {
      const pair = TOGGLES[what];
      if (pair) return pair[value === "False" || value === "false" ? 1 : 0];
      return `${capital(what.replaceAll("_", " "))}: ${value}`;
    }
  }
}

// The API's understood entries look like `“10秒” -> duration 10.0`: the phrase, then what it set.
// (`what` has spaces for underscores: "show price False").
const UNDERSTOOD = /^“(.*)” -> (show \w+|\w+) (.*)$/s;

export function understood(entry) {
  const match = UNDERSTOOD.exec(String(entry));
  if (!match) return { words: String(entry), phrase: "" };
  const [, phrase, what, value] = match;
  return { words: change(what.replace(" ", "_"), value), phrase };
}
