"""course_site: this site's own Sphinx extensions, one module per concern.

Each module is an extension with its own ``setup()``, loaded by name (for instance
``course_site.content_security``), so a test project can load one alone. The installable
card extension is ``course_cards``; nothing here is part of that wheel.

General-purpose pieces, which know nothing of the course and could serve any Sphinx site
(the speed-ups are a package of their own, ``build_speedups``):

- ``content_security``: what page content may contain, and the Content-Security-Policy.
- ``incremental``: rebuilds write what clean builds write, whatever the theme (#5506).
- ``shared_inputs``: every page written again when an asset, template, extension or
  translation changes.
- ``site_html``: corrections to the HTML Sphinx writes for Furo's chrome.

The course's own rules and outputs, which know its weeks and sections:

- ``shape``: the course's rules for its pages (warnings typed ``course_shape.<rule>``).
- ``week_ebooks``: every week as an e-book, linked from the week's page.
"""
