// Read from disk (file://), the browser refuses the request Sphinx's search makes for each
// result's excerpt, one console error per result. There the results show without excerpts.
if (location.protocol === "file:") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
