// A refusal rendered by the server (DomainErrorMiddleware marks it with X-Epicontrol-Error) is
// shown in place of the page content even though its status is 4xx, which HTMX would not swap.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.getResponseHeader("X-Epicontrol-Error")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.target = document.querySelector("main.content") || event.detail.target;
  }
});
