// A "Print" button for pages meant to be kept (the settlement confirmation). The button is rendered
// hidden, so a browser without JavaScript shows only the sentence that says how to print.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
