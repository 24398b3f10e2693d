// The pairing board answers a stale edit with 409 and a refused one with 422, each with the
// refreshed board and a message: show it instead of dropping it as an error.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
