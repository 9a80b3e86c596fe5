// Material for MkDocs' storage helpers (from partials/javascripts/base.html), loaded as a file
// so that no inline script is needed. This file sits in <site root>/assets/javascripts/.
__md_scope = new URL("../../", document.currentScript.src);
__md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0);
__md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e));
__md_set = (e, _, t = localStorage, a = __md_scope) => {
  try { t.setItem(a.pathname + "." + e, JSON.stringify(_)); } catch (e) { /* storage full or off */ }
};
