// soi console: progressive help only; every page works without it.
// - the "create case" button stays disabled until a seller is ticked;
// - a label form asks for confirmation before saving "not a scam" with confirmed reasons.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("case-form");
  if (form) {
    var button = document.getElementById("create-case");
    var update = function () {
      button.disabled = form.querySelectorAll("input[name=seller]:checked").length === 0;
    };
    form.addEventListener("change", update);
    update();
  }
  var label = document.getElementById("label-form");
  if (label) {
    label.addEventListener("submit", function (e) {
      var v = label.querySelector("input[name=label]:checked");
      var confirmed = label.querySelectorAll("input[value=confirm]:checked").length;
      if (v && v.value === "not_scam" && confirmed > 0 &&
          !window.confirm(document.documentElement.lang === "vi"
            ? "Gắn nhãn 'không lừa đảo' nhưng vẫn xác nhận lý do?"
            : "Label 'not a scam' while confirming reasons?")) {
        e.preventDefault();
      }
    });
  }
});
