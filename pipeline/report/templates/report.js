(function () {
  "use strict";
  var input = document.getElementById("fact-filter");
  var status = document.getElementById("status-filter");
  if (!input || !status) { return; }
  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function apply() {
    var wanted = fold(input.value.trim());
    var st = status.value;
    var groups = document.querySelectorAll("tbody.group");
    for (var i = 0; i < groups.length; i++) {
      var g = groups[i];
      var subjectOk = !wanted || g.getAttribute("data-subject").indexOf(wanted) !== -1;
      var rows = g.querySelectorAll("tr.fact");
      var visible = 0;
      for (var j = 0; j < rows.length; j++) {
        var ok = subjectOk && (!st || rows[j].getAttribute("data-status") === st);
        rows[j].classList.toggle("hidden", !ok);
        if (ok) { visible++; }
      }
      g.classList.toggle("hidden", visible === 0);
    }
  }
  input.addEventListener("input", apply);
  status.addEventListener("change", apply);
})();
