/* The on-site checklist: live score with the template's rules (the server recomputes and is
   authoritative), steppers for deductions, the submission id, and the device's location. */
(function () {
  "use strict";
  var form = document.getElementById("checklist");
  if (!form) { return; }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var cid = form.querySelector("input[name=client_id]");
  if (cid && !cid.value) { cid.value = uuid4(); }

  if (navigator.geolocation && form.dataset.locate === "1") {
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("input[name=latitude]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("input[name=longitude]").value = pos.coords.longitude.toFixed(6);
    }, function () {}, { timeout: 10000, maximumAge: 600000 });
  }

  function checked(card, name) {
    var el = card.querySelector("input[name='" + name + "']:checked");
    return el ? el.value : null;
  }

  function scoreCard(card) {
    var rule = JSON.parse(card.dataset.rule);
    var code = card.dataset.code;
    var outcome = checked(card, "r_" + code);
    if (outcome === "na") { return { answered: true, applicable: false }; }
    var points = Number(rule.points) || 0;
    if (rule.kind === "pass_fail") {
      if (!outcome) { return { answered: false, applicable: true, earned: 0, max: points, ded: 0, failed: false }; }
      return { answered: true, applicable: true, earned: outcome === "pass" ? points : 0, max: points, ded: 0, failed: outcome === "fail", veto: rule.veto };
    }
    if (rule.kind === "scale") {
      var v = checked(card, "v_" + code);
      var input = card.querySelector("input[type=number][name='v_" + code + "']");
      if (v === null && input && input.value !== "") { v = input.value; }
      if (v === null) { return { answered: false, applicable: true, earned: 0, max: points, ded: 0, failed: false }; }
      var val = Number(v);
      return { answered: true, applicable: true, earned: val, max: points, ded: 0, failed: val < Number(rule.fail_below), veto: rule.veto };
    }
    var occ = Math.max(0, parseInt(card.querySelector("input[name='o_" + code + "']").value || "0", 10) || 0);
    var ded = occ * Number(rule.per_occurrence);
    if (rule.max_deduction !== null && rule.max_deduction !== undefined) { ded = Math.min(ded, Number(rule.max_deduction)); }
    var out = card.querySelector("[data-deduction]");
    if (out) { out.textContent = ded ? "−" + ded : "0"; }
    return { answered: true, applicable: true, earned: points - ded, max: points, ded: ded, failed: occ > 0, veto: rule.veto };
  }

  function update() {
    var base = Number(form.dataset.base) || 0;
    var passPercent = Number(form.dataset.pass) || 0;
    var total = base, max = base, ded = 0, vetoed = false, answered = 0, cards = form.querySelectorAll(".item-card");
    cards.forEach(function (card) {
      var s = scoreCard(card);
      card.classList.toggle("answered", s.answered && !s.failed);
      card.classList.toggle("failed", !!s.failed);
      if (s.answered) { answered += 1; }
      if (!s.applicable) { return; }
      total += s.earned; max += s.max; ded += s.ded;
      if (s.veto && s.failed) { vetoed = true; }
    });
    total = Math.max(0, total);
    var percent = max > 0 ? Math.round(total * 10000 / max) / 100 : 0;
    var result = vetoed ? form.dataset.vetoLabel : (percent >= passPercent ? form.dataset.passLabel : form.dataset.failLabel);
    document.getElementById("score-total").textContent = String(Math.round(total * 100) / 100);
    document.getElementById("score-max").textContent = String(Math.round(max * 100) / 100);
    document.getElementById("score-percent").textContent = percent.toFixed(2);
    document.getElementById("score-deductions").textContent = String(ded);
    var res = document.getElementById("score-result");
    res.textContent = result;
    res.className = "badge " + (vetoed || percent < passPercent ? "bad" : "ok");
    document.getElementById("score-progress").textContent = answered + " / " + cards.length;
  }

  form.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-step]");
    if (!btn) { return; }
    ev.preventDefault();
    var input = btn.parentElement.querySelector("input[type=number]");
    input.value = String(Math.max(0, (parseInt(input.value || "0", 10) || 0) + Number(btn.dataset.step)));
    update();
  });
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("submit", function () {
    var submit = form.querySelector("button[type=submit]");
    // The id stays the same, so a resend after a network error is stored once.
    setTimeout(function () { submit.disabled = true; }, 0);
    setTimeout(function () { submit.disabled = false; }, 15000);
  });
  update();
}());
